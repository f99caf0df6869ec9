// One portal server for the whole run (tests read PORTAL_BASE_URL and PORTAL_E2E_DATA_DIR).
import { startPortal } from './portal-server';

export default async function globalSetup() {
  const portal = await startPortal();
  process.env.PORTAL_BASE_URL = portal.baseUrl;
  process.env.PORTAL_E2E_DATA_DIR = portal.dataDir;
  process.env.PORTAL_E2E_SERVER_PID = String(portal.pid);
}
