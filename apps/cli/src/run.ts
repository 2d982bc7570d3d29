import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './audit-commands.js';
import { registerAuthCommands } from './auth-commands.js';
import { registerConfigReadCommands } from './config-commands.js';
import { registerConfigWriteCommands } from './config-write-commands.js';
import { createContext, DEFAULT_SERVER, type Context } from './context.js';
import { EXIT, reportError } from './failure.js';
import type { Io } from './io.js';
import { registerTransferCommands } from './transfer-commands.js';
import { registerPackageCommands } from './package-commands.js';
import { registerDeploymentCommands } from './deployment-commands.js';
import { registerPermissionCommands } from './permission-commands.js';
import { registerEnvironmentCommands } from './environment-commands.js';
import { registerAsgCommands, registerInstanceCommands } from './operations-commands.js';
import { registerServiceStateCommands } from './service-state-commands.js';
import { registerScheduleCommands } from './schedule-commands.js';
import { registerTrafficCommands } from './traffic-commands.js';
import { registerSubscriptionCommands } from './subscription-commands.js';
import { registerEdgeCommands } from './edge-commands.js';
import { registerSetupCommands } from './setup-commands.js';
import { registerBackupCommands } from './backup-commands.js';
import { registerReplicationCommands } from './replication-commands.js';

/**
 * Runs one `envmgr` command line (without the `node envmgr` prefix) and resolves to its exit code:
 * 0 ok, 1 refused by the server (4xx) or a failed check, 2 usage error, 3 server unreachable, 4 server error.
 * It never exits the process and touches nothing outside `io`.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const ctx = createContext(io);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    // Commander has already printed its own message (unknown option, missing argument...); help exits 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(err, ctx.note, ctx.auth);
  }
}

function buildProgram(ctx: Context): Command {
  // Settings are copied to subcommands when they are created, so they come before any .command().
  const program = new Command('envmgr')
    .description('Environment Manager command line: deployments, configuration, packages, environments, groups and instances, sign-in, export/import and audit')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.write(s), writeErr: (s) => ctx.io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    .option('--server <url>', `EM server URL (env ENVMGR_SERVER, default ${DEFAULT_SERVER})`)
    .option('--token <token>', 'API token to send instead of the one `envmgr login` stored (prefer env ENVMGR_TOKEN: other local users can see command lines)');
  registerAuthCommands(program, ctx);
  const config = program.command('config').description('configuration items: list, get, create, update, delete, history, revert, export, import');
  registerConfigReadCommands(config, ctx);
  registerConfigWriteCommands(config, ctx);
  registerTransferCommands(config, ctx);
  registerAuditCommands(program, ctx);
  registerPackageCommands(program, ctx);
  registerDeploymentCommands(program, ctx);
  registerPermissionCommands(program, ctx);
  registerEnvironmentCommands(program, ctx);
  registerAsgCommands(program, ctx);
  registerInstanceCommands(program, ctx);
  registerServiceStateCommands(program, ctx);
  registerScheduleCommands(program, ctx);
  registerTrafficCommands(program, ctx);
  registerSubscriptionCommands(program, ctx);
  registerEdgeCommands(program, ctx);
  registerSetupCommands(program, ctx);
  registerBackupCommands(program, ctx);
  registerReplicationCommands(program, ctx);
  return program;
}
