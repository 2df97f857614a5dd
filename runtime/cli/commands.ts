/**
 * The commands of `taishanglaojun`, in the order `help` lists them. Adding a command: one file in
 * this folder exporting a `CliCommand`, and one line here. (`gateway` is not here: it lives in
 * gateway/, and bin/taishanglaojun.js sends it there so the runtime CLI never loads a server.)
 */
import type { CliCommand } from './command';
import { costCommand } from './cost';
import { failoverCommand } from './failover';
import { routeCommand } from './route';

export const COMMANDS: readonly CliCommand[] = [routeCommand, failoverCommand, costCommand];
