/**
 * vttablet's heartbeat flags as `vtsim up` and `vtsim tablet up` take them: `--heartbeat_enable`
 * turns the primary's `_vt.heartbeat` writer on, `--heartbeat_interval` (a Go duration, default
 * 1s; 0 means the default, as in Vitess) sets how often it writes. Dashes and underscores are
 * interchangeable, as in Vitess's flag parsing.
 */
import { parseDuration } from '@vtsim/vtctld';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '@vtsim/vttablet';

/** The parseArgs options of the heartbeat flags. */
export const heartbeatOptions = {
  heartbeat_enable: { type: 'boolean' },
  'heartbeat-enable': { type: 'boolean' },
  heartbeat_interval: { type: 'string' },
  'heartbeat-interval': { type: 'string' },
} as const;

/**
 * The heartbeat interval in milliseconds the flags ask for, or undefined when heartbeats stay off.
 * Throws Error on an interval that is not a Go duration or is negative.
 */
export function heartbeatIntervalMs(values: Record<string, unknown>): number | undefined {
  const text = (values.heartbeat_interval ?? values['heartbeat-interval']) as string | undefined;
  let interval = DEFAULT_HEARTBEAT_INTERVAL_MS;
  if (text !== undefined) {
    try {
      interval = parseDuration(text) || DEFAULT_HEARTBEAT_INTERVAL_MS;
    } catch {
      throw new Error(`invalid argument "${text}" for "--heartbeat_interval" flag: time: invalid duration "${text}"`);
    }
  }
  return values.heartbeat_enable || values['heartbeat-enable'] ? interval : undefined;
}

