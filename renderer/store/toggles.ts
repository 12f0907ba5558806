// Quick toggles: fixed, cheap checks combined with the filter expression.
import type { Connection } from '../../shared/connection';
import { isLoopback } from './address';

export interface Toggles {
  ipv4: boolean;
  ipv6: boolean;
  tcp: boolean;
  udp: boolean;
  hideListen: boolean;
  hideTimeWait: boolean;
  hideLoopback: boolean;
}

export const DEFAULT_TOGGLES: Toggles = {
  ipv4: true,
  ipv6: true,
  tcp: true,
  udp: true,
  hideListen: false,
  hideTimeWait: false,
  hideLoopback: false,
};

export const TOGGLE_LABELS: Record<keyof Toggles, string> = {
  ipv4: 'IPv4',
  ipv6: 'IPv6',
  tcp: 'TCP',
  udp: 'UDP',
  hideListen: 'Hide LISTEN',
  hideTimeWait: 'Hide TIME-WAIT',
  hideLoopback: 'Hide loopback',
};

export function passesToggles(t: Toggles, c: Connection): boolean {
  if (c.family === 4 ? !t.ipv4 : !t.ipv6) return false;
  if (c.protocol === 'tcp' ? !t.tcp : !t.udp) return false;
  if (t.hideListen && c.state === 'LISTEN') return false;
  if (t.hideTimeWait && c.state === 'TIME-WAIT') return false;
  if (t.hideLoopback && isLoopback(c.localAddress, c.remoteAddress)) return false;
  return true;
}
