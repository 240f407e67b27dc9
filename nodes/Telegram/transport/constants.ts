// Values the node descriptions need when n8n loads them, apart from the transport code (which
// loads `telegram` and ~50 modules, on first use: see index.ts).

/** The credential type name of this pack's Telegram credential. */
export const TELEGRAM_CREDENTIAL = 'telegramMtprotoApi';

/** How long a call waits out Telegram's FLOOD_WAIT by default, in seconds. */
export const DEFAULT_MAX_FLOOD_WAIT_SECONDS = 30;
