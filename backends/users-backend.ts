import { parseIds, requireParam, Router, sendJson, sendNotFound } from './json-http.js';
import type { User } from './models.js';

/** Routes of the users service: `GET /users/:id`, `GET /users?ids=a,b`. */
export function createUsersRouter(users: ReadonlyMap<string, User>): Router {
  return new Router()
    .get('/users', (_req, res, _param, query) => {
      const ids = parseIds(requireParam(new URLSearchParams(query), 'ids'));
      const items: User[] = [];
      for (const id of ids) {
        const user = users.get(id);
        if (user) items.push(user);
      }
      sendJson(res, 200, { items });
    })
    .get('/users/:id', (_req, res, id) => {
      const user = users.get(id);
      if (user) sendJson(res, 200, user);
      else sendNotFound(res);
    });
}
