import type { z } from 'zod';
import { bool, closed, environmentName, int, ipv4, ipv4OrCidr, list, name, schemaVersion, str } from './fields.js';

// Header, set and rewrite lines are copied into nginx files, so they stay on one line.
const line = (max = 1024) => str(`must be 1-${max} characters on one line`, { min: 1, max, pattern: /^[^\r\n]+$/ });
const lines = (what: string) => list(line(), 100, what);
const errorCodes = () => list(str('must be a 3-digit HTTP status or "all"', { max: 3, pattern: /^(?:\d{3}|all)$/ }), 100, 'error codes');
const restrictTo = () => list(ipv4OrCidr(), 200, 'IPv4 addresses or CIDR blocks');

export const VHOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

const RewriteSchema = closed({ Condition: line().optional(), URI: line().optional(), State: name(64).optional() });

const LocationSchema = closed({
  Path: line().meta({ description: 'nginx location, e.g. / or ~ ^/api' }),
  Priority: int(0, 100000).optional(),
  IfCondition: line().optional(),
  IfConditionPriority: int(0, 100000).optional(),
  Tokenise: bool().optional(),
  ProxyPass: line(2048).optional(),
  ProxyHttpVersion: str('must be an HTTP version such as 1.1', { max: 3, pattern: /^\d\.\d$/ }).optional(),
  ProxySetHeaders: lines('proxy_set_header lines').optional(),
  AddHeaders: lines('add_header lines').optional(),
  MoreHeaders: lines('more_set_headers lines').optional(),
  HealthCheck: closed({
    Interval: str('must be digits followed by s, m or h (e.g. 5s)', { max: 16, pattern: /^\d*[smh]$/ }).optional(),
    Fails: int(1, 100).optional(),
    Passes: int(1, 100).optional(),
    URI: line(2048).optional(),
  }).optional(),
  ReturnCode: int(100, 599).optional(),
  ReturnURI: line(2048).optional(),
  RewriteCondition: line().optional(),
  RewriteURI: line().optional(),
  RewriteState: name(64).optional(),
  Rewrites: list(RewriteSchema, 100, 'rewrites').optional(),
  // Raw nginx blocks are routinely longer than ordinary free text.
  RawNginxConfig: str('must be at most 16384 characters', { max: 16384 }).optional(),
  Set: lines('set lines').optional(),
  TryFiles: line().optional(),
  CustomErrorCodes: errorCodes().optional(),
  CacheTime: str('must be a number with an optional nginx time unit (ms, s, m, h, d, w, M, y), e.g. 10m', {
    max: 16,
    pattern: /^\d+(?:ms|[smhdwMy])?$/,
  }).optional(),
  RestrictTo: restrictTo().optional(),
});

const ValueSchema = closed({
  SchemaVersion: schemaVersion().optional(),
  EnvironmentName: environmentName().optional().meta({ description: 'if present, equals the outer EnvironmentName' }),
  VHostName: str('must be the outer VHostName (at most 255 characters)', { max: 255 }).optional().meta({ description: 'if present, equals the outer VHostName' }),
  FrontEnd: bool().optional(),
  ServerName: list(line(255), 100, 'server names').optional(),
  Listen: list(closed({ Port: int(1, 65535), SSL: bool().optional(), IP: ipv4().optional() }), 20, 'listen entries').optional(),
  SSLCertificate: line().optional(),
  SSLKey: line().optional(),
  SiteInMaintenance: bool().optional(),
  Set: lines('set lines').optional(),
  ProxySetHeaders: lines('proxy_set_header lines').optional(),
  AddHeaders: lines('add_header lines').optional(),
  CustomErrorCodes: errorCodes().optional(),
  RestrictTo: restrictTo().optional(),
  Locations: list(LocationSchema, 200, 'locations').optional(),
});

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** §3.7: an nginx virtual host of an environment. Key: EnvironmentName + VHostName. */
export const LBSettingSchema = closed({
  EnvironmentName: environmentName(),
  VHostName: str('must be 1-255 letters, digits, ".", "_" or "-", starting with a letter or digit', { max: 255, pattern: VHOST_NAME }),
  Value: ValueSchema,
})
  // A check across levels has to sit on the whole item. Consequence: .partial()/.omit()/.pick() refuse this schema.
  .superRefine((s, ctx) => {
    const { EnvironmentName: env, VHostName: vhost } = s.Value;
    if (env !== undefined && !same(env, s.EnvironmentName)) {
      ctx.addIssue({ code: 'custom', path: ['Value', 'EnvironmentName'], input: env, message: `must equal EnvironmentName (${s.EnvironmentName}) or be left out` });
    }
    if (vhost !== undefined && !same(vhost, s.VHostName)) {
      ctx.addIssue({ code: 'custom', path: ['Value', 'VHostName'], input: vhost, message: `must equal VHostName (${s.VHostName}) or be left out` });
    }
  })
  .meta({ id: 'LBSetting', description: 'An nginx virtual host of an environment, routing locations to upstreams (§3.7).' });
export type LBSetting = z.infer<typeof LBSettingSchema>;
