/**
 * What the backends the schema declares with `@source` (schema/user.graphql,
 * schema/catalog.graphql) serve, as the app's code sees it: the codegen mappers of
 * `User` and `Product` (codegen.yml), and the items of `connectorLoader` lookups
 * (resolvers/connector-lookups.ts). The gateway does not check these shapes beyond the
 * batch key; the schema's types check each field as it is resolved.
 */

/** A user as the users backend serves it (`GET /users?ids=…` → `{ items: [...] }`). */
export interface UserRecord {
  id: string;
  name: string;
  email: string | null;
  avatarUrl: string | null;
  createdAt?: string;
}

/** A product as the catalog backend serves it (`GET /products?ids=…` → `{ items: [...] }`). */
export interface ProductRecord {
  id: string;
  name: string;
  priceCents: number;
  currency: string;
  imageUrl: string | null;
  rating: number | null;
}
