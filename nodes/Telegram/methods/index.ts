export { telegramMtprotoConnection } from './credentialTest';
export { searchSecretChats } from './searchSecretChats';
export { getChats } from './getChats';
