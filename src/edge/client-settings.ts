import { z } from 'zod';
import { isClientName } from './client-identity.js';
import { parseSemver } from './semver.js';

/** GATEWAY_CONFIG `clients`: what the gateway asks of the apps that call it. */
export interface ClientSettings {
  /**
   * The oldest version of each app (by the name it sends in `apollographql-client-name`)
   * that is still served; older versions get UPGRADE_REQUIRED. Apps not listed, and
   * versions that are not semantic versions, are served.
   */
  minimumVersions: Readonly<Record<string, string>>;
}

export const DEFAULT_CLIENT_SETTINGS: ClientSettings = { minimumVersions: {} };

/** The `clients` key of the GATEWAY_CONFIG file: names an app can send, strict semantic versions. */
export const clientsFileSchema = z
  .object({
    minimumVersions: z
      .record(
        z.string(),
        z.string().refine((version) => parseSemver(version) !== null, { error: 'expected a semantic version such as "2.4.0" or "3.0.0-beta.1"' }),
      )
      // Checked here rather than as the record's key schema, whose failures zod reports only as "Invalid key in record".
      .superRefine((record, context) => {
        for (const name of Object.keys(record)) {
          if (isClientName(name)) continue;
          context.addIssue({
            code: 'custom',
            path: [name],
            message: 'expected a client name as apps send it (1-64 letters, digits, spaces or _.~:/@+-; not unknown, invalid or other)',
          });
        }
      })
      .optional(),
  })
  .strict();
