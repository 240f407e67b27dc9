import { Api } from 'telegram';
import { on, type RpcRoute } from './route';

/** help.getConfig and friends: what a client asks right after connecting. */

/** Every DC id a client may be sent to; all served by the one fake, at its own address. */
export const FAKE_DC_IDS = [1, 2, 3, 4, 5];

export interface ConnectionRoutesOptions {
	host: () => string;
	port: () => number;
}

export function connectionRoutes(options: ConnectionRoutesOptions): RpcRoute[] {
	return [
		on(Api.help.GetConfig, (ctx) => {
			const now = ctx.now();
			// gramjs finds DCs here for uploads and migrations; without the session's DC it loops.
			const dcOptions = FAKE_DC_IDS.map(
				(id) => new Api.DcOption({ id, ipAddress: options.host(), port: options.port() }),
			);
			return new Api.Config({
				date: now,
				expires: now + 3600,
				testMode: false,
				thisDc: ctx.auth.dcId,
				dcOptions,
				dcTxtDomainName: 'fake.telegram.invalid',
				chatSizeMax: 200,
				megagroupSizeMax: 200000,
				forwardedCountMax: 100,
				onlineUpdatePeriodMs: 210000,
				offlineBlurTimeoutMs: 5000,
				offlineIdleTimeoutMs: 30000,
				onlineCloudTimeoutMs: 300000,
				notifyCloudDelayMs: 30000,
				notifyDefaultDelayMs: 1500,
				pushChatPeriodMs: 60000,
				pushChatLimit: 2,
				editTimeLimit: 172800,
				revokeTimeLimit: 2147483647,
				revokePmTimeLimit: 2147483647,
				ratingEDecay: 2419200,
				stickersRecentLimit: 200,
				channelsReadMediaPeriod: 604800,
				callReceiveTimeoutMs: 20000,
				callRingTimeoutMs: 90000,
				callConnectTimeoutMs: 30000,
				callPacketTimeoutMs: 10000,
				meUrlPrefix: 'https://t.me/',
				captionLengthMax: 1024,
				messageLengthMax: 4096,
				webfileDcId: 4,
			}).getBytes();
		}),
		on(Api.help.GetNearestDc, (ctx) =>
			new Api.NearestDc({
				country: 'US',
				thisDc: ctx.auth.dcId,
				nearestDc: ctx.auth.dcId,
			}).getBytes(),
		),
	];
}
