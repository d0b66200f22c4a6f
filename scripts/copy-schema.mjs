// The built gateway reads its SDL from dist/schema (app/gateway-app.ts resolves
// ../schema relative to itself), so the build copies schema/ there.
import { cpSync } from 'node:fs';

cpSync(new URL('../schema/', import.meta.url), new URL('../dist/schema/', import.meta.url), { recursive: true });
