// Stops the server started by global-setup.ts (SIGTERM: it shuts down gracefully).
import { stopPid } from './portal-server';

export default async function globalTeardown() {
  const pid = Number(process.env.PORTAL_E2E_SERVER_PID);
  if (pid) await stopPid(pid);
}
