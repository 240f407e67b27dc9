import { createHash } from 'node:crypto';
import { Api } from 'telegram';
import type { FakeTextLimits } from '../state';
import { on, type RpcRoute } from './route';

/** help.getConfig and friends: what a client asks right after connecting. */

/** Every DC id a client may be sent to; each has its own port on the fake (TelegramFake.addressOf). */
export const FAKE_DC_IDS = [1, 2, 3, 4, 5];

export interface ConnectionRoutesOptions {
	host: () => string;
	portOf: (dcId: number) => number;
}

export function connectionRoutes(options: ConnectionRoutesOptions): RpcRoute[] {
	return [
		on(Api.help.GetConfig, (ctx) => {
			const now = ctx.now();
			// gramjs finds DCs here for uploads and migrations; without the session's DC it loops.
			const dcOptions = FAKE_DC_IDS.map(
				(id) => new Api.DcOption({ id, ipAddress: options.host(), port: options.portOf(id) }),
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
				// Older layers' limits, the same for every account: the non-Premium caption limit.
				captionLengthMax: ctx.world.textLimits.captionDefault,
				messageLengthMax: ctx.world.textLimits.message,
				webfileDcId: 4,
			}).getBytes();
		}),
		on(Api.help.GetAppConfig, (ctx, request) => {
			const { config, hash } = appConfigOf(ctx.world.textLimits);
			if (request.hash === hash) return new Api.help.AppConfigNotModified().getBytes();
			return new Api.help.AppConfig({ hash, config }).getBytes();
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

/** The part of help.getAppConfig's JSON the fake models: the caption limits, Premium included. */
function appConfigOf(limits: FakeTextLimits): { config: Api.JsonObject; hash: number } {
	const values = {
		caption_length_limit_default: limits.captionDefault,
		caption_length_limit_premium: limits.captionPremium,
	};
	const config = new Api.JsonObject({
		value: Object.entries(values).map(
			([key, value]) => new Api.JsonObjectValue({ key, value: new Api.JsonNumber({ value }) }),
		),
	});
	// Changes whenever the values do, so a client's cached hash is answered "not modified" only then.
	const hash = createHash('sha256').update(JSON.stringify(values)).digest().readInt32LE(0);
	return { config, hash };
}
