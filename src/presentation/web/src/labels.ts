// The message of every enum value the API sends, typed by the enums
// generated from docs/openapi.json: a value the document adds fails `tsc`
// here until it has a label. A value the UI still does not know at run time
// (a newer server) is shown as it is, never thrown on.
import type { DeadLetter, Execution, LogLine, Role, Script } from './api';
import type { MessageKey } from './i18n';

export const typeLabels: Record<Script['type'], MessageKey> = {
  oneoff: 'type.oneoff', scheduled: 'type.scheduled', http: 'type.http', event: 'type.event', embedded: 'type.embedded',
};

export const statusLabels: Record<Script['status'], MessageKey> = {
  draft: 'status.draft', active: 'status.active', paused: 'status.paused', disabled: 'status.disabled',
  archived: 'status.archived',
};

export const runLabels: Record<Execution['status'], MessageKey> = {
  pending: 'run.pending', running: 'run.running', completed: 'run.completed', failed: 'run.failed',
  timeout: 'run.timeout', cancelled: 'run.cancelled', skipped: 'run.skipped',
};

export const skipLabels: Record<NonNullable<Execution['skip_reason']>, MessageKey> = {
  overlap: 'skip.overlap', misfire: 'skip.misfire', quota: 'skip.quota',
};

export const triggerLabels: Record<Execution['trigger_type'], MessageKey> = {
  cron: 'trigger.cron', http: 'trigger.http', event: 'trigger.event', manual: 'trigger.manual', api: 'trigger.api',
  invoke: 'trigger.invoke',
};

export const logLabels: Record<LogLine['level'], MessageKey> = {
  debug: 'log.debug', log: 'log.log', info: 'log.info', warn: 'log.warn', error: 'log.error',
};

export const authLabels: Record<NonNullable<Script['http_auth']>, MessageKey> = { token: 'auth.token', none: 'auth.none' };

export const overlapLabels: Record<NonNullable<Script['overlap_policy']>, MessageKey> = {
  skip: 'overlap.skip', queue: 'overlap.queue', allow: 'overlap.allow',
};

export const misfireLabels: Record<NonNullable<Script['misfire_policy']>, MessageKey> = {
  none: 'misfire.none', once: 'misfire.once', backfill: 'misfire.backfill',
};

export const roleLabels: Record<Role, MessageKey> = {
  superadmin: 'role.superadmin', org_admin: 'role.org_admin', developer: 'role.developer', viewer: 'role.viewer',
};

export const deadLabels: Record<DeadLetter['status'], MessageKey> = { dead: 'dead.dead', replayed: 'dead.replayed' };

// The key of `value` in `labels`, or null for a value the UI does not know.
export function labelKey<T extends string>(labels: Record<T, MessageKey>, value: string): MessageKey | null {
  return Object.hasOwn(labels, value) ? labels[value as T] : null;
}
