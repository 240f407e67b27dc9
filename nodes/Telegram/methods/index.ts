export { telegramMtprotoConnection } from './credentialTest';
export { searchSecretChats } from './searchSecretChats';
