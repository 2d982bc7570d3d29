/** Why a webhook URL is refused, or that it is acceptable. */
export type WebhookUrlCheck = { ok: true } | { ok: false; reason: string };

const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?(?:[/?#].*)?$/;

/**
 * Checks a subscriber's webhook URL when it is saved: only http(s), with a host, and never an address of the cloud
 * metadata service or another link-local address (169.254.0.0/16, fe80::/10, fd00:ec2::254), in any spelling
 * (decimal, hex, IPv4-mapped IPv6), because EM's server has credentials a receiver there could take.
 */
export function checkWebhookUrl(url: string): WebhookUrlCheck {
  if (url.length > 2048) return { ok: false, reason: 'is longer than 2048 characters' };
  const m = URL_SHAPE.exec(url);
  if (!m) return { ok: false, reason: `'${url.slice(0, 100)}' is not an absolute URL; use e.g. https://hooks.example.com/em` };
  const scheme = (m[1] ?? '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return { ok: false, reason: `must use http or https, not ${scheme}` };
  const host = (m[2] ?? '').toLowerCase();
  if (host === '' || host === '[]') return { ok: false, reason: 'has no host' };
  const port = m[3];
  if (port !== undefined && port !== '' && Number(port) > 65535) return { ok: false, reason: `port ${port} is out of range` };
  return isLinkLocalHost(host) ? { ok: false, reason: `points at the link-local or metadata address ${host}, which EM never calls` } : { ok: true };
}

/** True for a host literal in 169.254.0.0/16, fe80::/10, fd00:ec2::254 or an IPv4-mapped form of the first. */
export function isLinkLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (h.includes(':')) return isLinkLocalV6(h);
  const v4 = parseIpv4(h);
  return v4 !== undefined && (v4 >>> 16) === 0xa9fe;
}

function isLinkLocalV6(h: string): boolean {
  const words = expandIpv6(h.split('%')[0] ?? '');
  if (!words) return false;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  if ((w0 & 0xffc0) === 0xfe80) return true;
  if (w0 === 0xfd00 && w1 === 0x0ec2 && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0 && w6 === 0 && w7 === 0x254) return true;
  // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 address
  const mapped = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0xffff;
  return mapped && w6 === 0xa9fe;
}

/** The eight 16-bit words of an IPv6 literal (an embedded dotted IPv4 tail allowed), or undefined. */
function expandIpv6(text: string): number[] | undefined {
  let s = text;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail?.[1]) {
    const v4 = parseIpv4(tail[1]);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, -tail[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const part = (p: string | undefined) => (p ? p.split(':') : []);
  const head = part(halves[0]);
  const rest = part(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return undefined;
  const all = [...head, ...Array<string>(fill).fill('0'), ...rest];
  if (all.some((w) => !/^[0-9a-f]{1,4}$/.test(w))) return undefined;
  return all.map((w) => parseInt(w, 16));
}

/** An IPv4 host in any form a URL parser accepts (1–4 parts, decimal, hex `0x`, octal `0`), as a 32-bit number. */
function parseIpv4(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) n = parseInt(p, 8);
    else if (/^\d+$/.test(p)) n = parseInt(p, 10);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop() ?? 0;
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return undefined;
  return nums.reduce((acc, n, i) => acc + n * 256 ** (3 - i), 0) + last;
}
