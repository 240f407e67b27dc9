import { ok, ZulipError, type Route } from './replies';
import { BOT_USER_ID, renderContent, type ZulipReminder, type ZulipWorld } from './state';

/**
 * Reminders (Zulip 11.0): a direct message Notification Bot sends the user at a time, linking one
 * of the messages the user can see. POST /reminders (feature level 381, `note` from 415),
 * GET /reminders and DELETE /reminders/{id} (399). Which level serves what is versions.ts's job.
 */

const reminderMissing = () => new ZulipError('Reminder does not exist', 404);

/** GET /reminders and reminder events give reminders without the note (it is part of the content). */
export function reminderJson(reminder: ZulipReminder): Record<string, unknown> {
	const { note: _note, ...listed } = reminder;
	return listed;
}

/** Keeps a new reminder and tells the event queues (a `reminders` add event, as Zulip 11 sends). */
export function addReminder(
	world: ZulipWorld,
	{
		id,
		messageId,
		timestamp,
		note,
	}: { id: number; messageId: number; timestamp: number; note: string },
): ZulipReminder {
	const me = world.users.find((user) => user.email === world.email)?.user_id ?? BOT_USER_ID;
	const content =
		`You requested a reminder for ${world.url}/#narrow/id/${messageId}.` +
		(note ? `\n\nNote:\n> ${note}` : '');
	const reminder: ZulipReminder = {
		reminder_id: id,
		type: 'private',
		to: [me],
		content,
		rendered_content: renderContent(content),
		scheduled_delivery_timestamp: timestamp,
		failed: false,
		reminder_target_message_id: messageId,
		note,
	};
	world.reminders.set(id, reminder);
	world.queues.publish({ type: 'reminders', op: 'add', reminders: [reminderJson(reminder)] });
	return reminder;
}

/** Drops a reminder (a `reminders` remove event); false when there was none. */
export function removeReminder(world: ZulipWorld, id: number): boolean {
	if (!world.reminders.delete(id)) return false;
	world.queues.publish({ type: 'reminders', op: 'remove', reminder_id: id });
	return true;
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
		const id = ctx.nextReminderId();
		addReminder(world, { id, messageId, timestamp, note });
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
		if (!removeReminder(world, Number(params.reminder_id))) throw reminderMissing();
		return ok();
	},
};
