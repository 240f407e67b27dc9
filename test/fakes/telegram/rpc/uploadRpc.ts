import { Api } from 'telegram';
import { mediaToTl } from '../tlViews';
import { boolBytes, fromLong } from '../wire';
import { resolveInputMedia } from './inputMedia';
import { resolveInputPeer } from './peerResolution';
import { on, type RpcRoute } from './route';

/**
 * File uploads (gramjs sends them on a second connection, a new MTProto session without
 * initConnection) and messages.uploadMedia, which gramjs calls for each album item.
 */

export function uploadRoutes(): RpcRoute[] {
	return [
		on(Api.upload.SaveFilePart, (ctx, request) => {
			ctx.user();
			ctx.services.media.savePart(fromLong(request.fileId), request.filePart, request.bytes);
			return boolBytes(true);
		}),
		on(Api.upload.SaveBigFilePart, (ctx, request) => {
			ctx.user();
			ctx.services.media.savePart(
				fromLong(request.fileId),
				request.filePart,
				request.bytes,
				request.fileTotalParts,
			);
			return boolBytes(true);
		}),
		on(Api.messages.UploadMedia, (ctx, request) => {
			ctx.user();
			resolveInputPeer(ctx, request.peer);
			return mediaToTl(
				resolveInputMedia(ctx, request.media),
				ctx.services.media,
				ctx.world.dcId,
			).getBytes();
		}),
	];
}
