// Stand-in for main/actions/service.ts (process details, close connection, end process) until that
// module is part of the tree: every action answers plainly that it is not available, so the UI
// shows a reason instead of hanging. main.ts switches to createActionService when it lands.
import type { ActionResult, CloseTarget, ProcessDetails } from '../../shared/ipc';

const UNAVAILABLE: ActionResult = { ok: false, reason: 'this build of netmon has no process actions yet' };

export function createUnavailableActions(): {
  getProcessDetails(pid: number): Promise<ProcessDetails | null>;
  closeConnection(target: CloseTarget): Promise<ActionResult>;
  endProcess(pid: number): Promise<ActionResult>;
} {
  return {
    getProcessDetails: async () => null,
    closeConnection: async () => UNAVAILABLE,
    endProcess: async () => UNAVAILABLE,
  };
}
