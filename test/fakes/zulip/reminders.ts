import { ok, ZulipError, type Route } from './replies';
import { BOT_USER_ID, renderContent, type ZulipReminder } from './state';

/**
 * Reminders (Zulip 11.0): a direct message Notification Bot sends the user at a time, linking one
 * of the messages the user can see. POST /reminders (feature level 381, `note` from 415),
 * GET /reminders and DELETE /reminders/{id} (399). Which level serves what is versions.ts's job.
 */

const reminderMissing = () => new ZulipError('Reminder does not exist', 404);

/** GET /reminders lists reminders without the note (it is part of the content). */
function reminderJson(reminder: ZulipReminder): Record<string, unknown> {
	const { note: _note, ...listed } = reminder;
	return listed;
}

export const reminderRoutes: Record<string, Route> = {
	'create-message-reminder': (ctx) => {
		const { world, body } = ctx;
		const messageId = Number(body.message_id);
		// access_message: the message must exist and be visible to the user.
		if (!world.sent.some((message) => message.id === messageId))
			throw new ZulipError('Invalid message(s)');
		const timestamp = Number(body.scheduled_delivery_timestamp);
		if (!(timestamp * 1000 > ctx.nowMs))
			throw new ZulipError('Scheduled delivery time must be in the future.');
		const note = typeof body.note === 'string' ? body.note : '';
		const me = world.users.find((user) => user.email === world.email)?.user_id ?? BOT_USER_ID;
		const content =
			`You requested a reminder for ${world.url}/#narrow/id/${messageId}.` +
			(note ? `\n\nNote:\n> ${note}` : '');
		const id = ctx.nextReminderId();
		world.reminders.set(id, {
			reminder_id: id,
			type: 'private',
			to: [me],
			content,
			rendered_content: renderContent(content),
			scheduled_delivery_timestamp: timestamp,
			failed: false,
			reminder_target_message_id: messageId,
			note,
		});
		return ok({ reminder_id: id });
	},
	'get-reminders': ({ world }) =>
		ok({
			reminders: [...world.reminders.values()]
				.sort(
					(a, b) =>
						a.scheduled_delivery_timestamp - b.scheduled_delivery_timestamp ||
						a.reminder_id - b.reminder_id,
				)
				.map(reminderJson),
		}),
	'delete-reminder': ({ world, params }) => {
		if (!world.reminders.delete(Number(params.reminder_id))) throw reminderMissing();
		return ok();
	},
};
