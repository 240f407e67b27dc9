export { telegramMtprotoConnection } from './credentialTest';
