/**
 * The two GraphQL operations of the benchmark. The hand-written baseline does
 * not parse GraphQL: it recognises them by their fixed operationName.
 */
export const HOME_OPERATION = 'Home';
export const PRODUCT_OPERATION = 'Product';

/** The app's home screen: viewer, last 10 orders with their products, 5 recommendations. */
export const HOME_QUERY =
  'query Home { viewer { id name avatarUrl orders(first: 10) { nodes { id status totalCents currency ' +
  'items { quantity unitPriceCents product { id name priceCents imageUrl } } } } } ' +
  'recommendations(first: 5) { id name priceCents imageUrl } }';

/** A product page: one entity, one small payload. */
export const PRODUCT_QUERY = 'query Product($id: ID!) { product(id: $id) { id name priceCents currency rating } }';

/** What the home query asks for, so the baseline can answer with the same limits. */
export const HOME_ORDERS_FIRST = 10;
export const HOME_RECOMMENDATIONS_FIRST = 5;
