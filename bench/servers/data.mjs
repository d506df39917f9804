// Deterministic business data shared by the benchmark servers: orders and leads with names, e-mail addresses and
// phone numbers (so the PII filter has real work), generated from a seed so every run and every process sees the same rows.

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Frances', 'Dennis', 'Shafi', 'Tim', 'Hedy', 'John'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds', 'Allen', 'Ritchie', 'Goldwasser', 'Berners-Lee', 'Lamarr', 'McCarthy'];
const REGIONS = ['EMEA', 'NA', 'APAC', 'LATAM'];
const PRODUCTS = [
  ['Starter plan', 49],
  ['Team plan', 199],
  ['Business plan', 499],
  ['Enterprise plan', 1999],
  ['Support add-on', 99],
  ['Training day', 1200],
];
const STATUSES = ['paid', 'paid', 'paid', 'pending', 'refunded', 'cancelled'];

function person(rand, i) {
  const first = FIRST[Math.floor(rand() * FIRST.length)];
  const last = LAST[Math.floor(rand() * LAST.length)];
  const phone = `+1 ${200 + Math.floor(rand() * 700)} 555 ${String(1000 + Math.floor(rand() * 9000))}`;
  return { customer: `${first} ${last}`, email: `${first}.${last}.${i}@example.com`.toLowerCase(), phone };
}

/** 10,000 orders of 2025: one row per order. */
export function orders(count = 10_000) {
  const rand = prng(42);
  return Array.from({ length: count }, (_, i) => {
    const [product, price] = PRODUCTS[Math.floor(rand() * PRODUCTS.length)];
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    return {
      order_id: `ORD-${String(100000 + i)}`,
      date: `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      ...person(rand, i),
      region: REGIONS[Math.floor(rand() * REGIONS.length)],
      product,
      quantity: 1 + Math.floor(rand() * 5),
      unit_price: price,
      status: STATUSES[Math.floor(rand() * STATUSES.length)],
    };
  });
}

/** 1,000 sales leads with a score; the CRM holds a record per lead. */
export function leads(count = 1_000) {
  const rand = prng(7);
  return Array.from({ length: count }, (_, i) => ({
    lead_id: `LEAD-${String(5000 + i)}`,
    ...person(rand, i),
    company: `${LAST[Math.floor(rand() * LAST.length)]} ${['GmbH', 'Inc', 'Ltd', 'SAS', 'BV'][Math.floor(rand() * 5)]}`,
    score: Math.floor(rand() * 100),
    source: ['webinar', 'trial', 'referral', 'event'][Math.floor(rand() * 4)],
    stage: 'new',
  }));
}
