/**
 * The RuntimeService handler sets beyond the lifecycle (runtime-service.ts): streaming (Exec, Attach,
 * PortForward, ExecSync), stats and events. Each is a function of the CRI's shared services returning
 * handlers keyed by proto method name. cri-streaming's sets are merged in HERE (add the import and the
 * entry); a method no set provides answers UNIMPLEMENTED with a message naming it (server.ts).
 */
import type { GrpcHandlers } from './context.js';
import type { CriServices } from './server.js';

export const EXTRA_RUNTIME_HANDLER_SETS: Array<(services: CriServices) => GrpcHandlers> = [
];
