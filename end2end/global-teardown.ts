// Stops the server started by global-setup.ts (SIGTERM: it shuts down gracefully).
export default async function globalTeardown() {
  const pid = Number(process.env.PORTAL_E2E_SERVER_PID);
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}
