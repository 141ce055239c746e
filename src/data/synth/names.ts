// Plausible (generated, not real) restaurant names, building numbers and phone numbers.
import type { Rng } from "./prng.js";

const FIRST = [
  "JOE'S",
  "TONY'S",
  "MARIA'S",
  "SAL'S",
  "LUCKY",
  "GOLDEN",
  "HAPPY",
  "NEW",
  "ROYAL",
  "BIG APPLE",
  "EMPIRE",
  "BROADWAY",
  "PARK",
  "CORNER",
  "LITTLE",
  "GRAND",
  "STAR",
  "SUNSHINE",
  "OLD",
  "FRESH",
  "BLUE",
  "RED",
  "GREEN",
  "SILVER",
  "UNCLE",
  "MAMA",
  "PAPA",
  "EAST SIDE",
  "WEST SIDE",
  "HARBOR",
  "BRIDGE",
  "CITY",
  "METRO",
  "QUEEN",
  "KING",
  "PRINCE",
  "OCEAN",
  "GARDEN",
  "DAILY",
  "URBAN",
  "BROOKLYN",
  "ASTORIA",
  "HARLEM",
  "BAY",
  "RIVER",
  "HUDSON",
  "LEXINGTON",
  "AVENUE",
];

const BY_CUISINE: Record<string, string[]> = {
  Pizza: ["PIZZA", "PIZZERIA", "SLICE", "PIZZA & PASTA", "BRICK OVEN PIZZA"],
  Chinese: ["KITCHEN", "WOK", "DRAGON", "GARDEN", "HOUSE", "NOODLE HOUSE", "DUMPLING"],
  "Coffee/Tea": ["CAFE", "COFFEE", "ESPRESSO BAR", "TEA HOUSE", "ROASTERS", "BEAN"],
  Mexican: ["TAQUERIA", "TACOS", "CANTINA", "MEXICAN GRILL", "BURRITO"],
  "Latin American": ["RESTAURANT", "COCINA", "SABOR LATINO", "GRILL"],
  Caribbean: ["CARIBBEAN RESTAURANT", "JERK CENTER", "ROTI SHOP", "ISLAND CUISINE"],
  Japanese: ["SUSHI", "RAMEN", "IZAKAYA", "SUSHI BAR"],
  Italian: ["TRATTORIA", "RISTORANTE", "OSTERIA", "PASTA"],
  Chicken: ["FRIED CHICKEN", "CHICKEN", "WINGS"],
  "Bakery Products/Desserts": ["BAKERY", "PASTRY SHOP", "BAKE SHOP", "SWEETS"],
  Donuts: ["DONUTS", "DONUT SHOP"],
  Hamburgers: ["BURGER", "BURGERS", "BURGER JOINT"],
  Indian: ["TANDOOR", "CURRY HOUSE", "INDIAN CUISINE"],
  Korean: ["BBQ", "KOREAN KITCHEN", "TOFU HOUSE"],
  Thai: ["THAI", "THAI KITCHEN", "SIAM"],
  "Jewish/Kosher": ["KOSHER DELI", "GLATT KOSHER", "BAGELS"],
  "Bagels/Pretzels": ["BAGELS", "BAGEL SHOP"],
  Mediterranean: ["GRILL", "MEZZE", "MEDITERRANEAN GRILL"],
  "Middle Eastern": ["FALAFEL", "SHAWARMA", "GRILL"],
  Seafood: ["SEAFOOD", "FISH MARKET", "OYSTER BAR"],
  Sandwiches: ["DELI", "SANDWICH SHOP", "HEROES"],
  American: ["DINER", "GRILL", "BAR & GRILL", "TAVERN", "KITCHEN", "RESTAURANT", "DELI", "PUB"],
  "Juice, Smoothies, Fruit Salads": ["JUICE BAR", "SMOOTHIES", "JUICE"],
  "Frozen Desserts": ["ICE CREAM", "FROZEN YOGURT", "GELATO"],
  Spanish: ["RESTAURANT", "TAPAS", "COCINA"],
  French: ["BISTRO", "BRASSERIE", "CAFE"],
};
const GENERIC = ["RESTAURANT", "KITCHEN", "CAFE", "GRILL", "EATERY", "DELI", "FOOD CORP", "BAR"];
const CHAINS = [
  "DUNKIN",
  "STARBUCKS",
  "MCDONALD'S",
  "SUBWAY",
  "POPEYES",
  "CHIPOTLE MEXICAN GRILL",
  "BURGER KING",
  "KENNEDY FRIED CHICKEN",
  "LITTLE CAESARS",
  "PANERA BREAD",
  "WENDY'S",
  "CROWN FRIED CHICKEN",
  "PAPA JOHN'S",
  "DOMINO'S",
  "TACO BELL",
];

export interface NameDraw {
  dba: string;
  chain: boolean;
}

export function drawName(rng: Rng, cuisine: string): NameDraw {
  if (rng.next() < 0.12) return { dba: rng.pick(CHAINS), chain: true };
  const tails = BY_CUISINE[cuisine] ?? GENERIC;
  const r = rng.next();
  if (r < 0.55) return { dba: `${rng.pick(FIRST)} ${rng.pick(tails)}`, chain: false };
  if (r < 0.75) return { dba: `${rng.pick(FIRST)} ${rng.pick(FIRST)} ${rng.pick(tails)}`, chain: false };
  if (r < 0.9) return { dba: `${rng.pick(tails)} ${rng.int(1, 99)}`, chain: false };
  return { dba: `${rng.pick(FIRST)} ${rng.pick(GENERIC)} INC`, chain: false };
}

export function drawBuilding(rng: Rng, boro: number): string {
  // Queens uses hyphenated house numbers ("32-15").
  if (boro === 3 && rng.next() < 0.7) return `${rng.int(1, 250)}-${String(rng.int(1, 99)).padStart(2, "0")}`;
  const r = rng.next();
  return String(r < 0.6 ? rng.int(1, 999) : r < 0.95 ? rng.int(1000, 2999) : rng.int(3000, 9999));
}

const AREA: string[][] = [
  ["212", "646", "917", "332"], // Manhattan
  ["718", "347", "929", "917"], // Bronx
  ["718", "347", "929", "917"], // Brooklyn
  ["718", "347", "929", "917"], // Queens
  ["718", "347", "929"], // Staten Island
];

export function drawPhone(rng: Rng, boro: number): string {
  return `${rng.pick(AREA[boro])}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, "0")}`;
}
