/**
 * The machine's fully qualified hostname, found as Vitess's netutil.FullyQualifiedHostname finds
 * it: the hostname, its first address, then that address's first name (a trailing dot removed).
 * `vtsim vttablet` advertises it in its record when `--tablet-hostname` is empty or not given, as
 * vttablet does.
 */
import { lookup, lookupService } from 'node:dns/promises';
import { hostname } from 'node:os';

/** See the module comment; throws Error saying which step failed, as Vitess's does. */
export async function fullyQualifiedHostname(): Promise<string> {
  const name = hostname();
  let ip: string;
  try {
    ip = (await lookup(name)).address;
  } catch (err) {
    throw new Error(`FullyQualifiedHostname: Failed to lookup the IP of this machine's hostname (${name}): ${(err as Error).message}`);
  }
  try {
    return (await lookupService(ip, 0)).hostname.replace(/\.+$/, '');
  } catch (err) {
    throw new Error(`FullyQualifiedHostname: Failed to reverse lookup this machine's local IP (${ip}): ${(err as Error).message}`);
  }
}
