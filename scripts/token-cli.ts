/** `npm run token -- <userId>`: prints a dev bearer token signed with JWT_SECRET (or the dev secret). */
import { DEV_JWT_SECRET, signDevToken } from '../src/index.js';

const userId = process.argv[2];
if (userId === undefined || !/^[A-Za-z0-9_.:-]{1,128}$/.test(userId)) {
  process.stderr.write('usage: npm run token -- <userId>   (e.g. npm run token -- u7)\n');
  process.exit(2);
}
const secret = process.env.JWT_SECRET !== undefined && process.env.JWT_SECRET !== '' ? process.env.JWT_SECRET : DEV_JWT_SECRET;
process.stdout.write(`${await signDevToken(userId, secret, { expiresIn: '30d' })}\n`);
