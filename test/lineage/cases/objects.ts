import { Context } from "rddopt";

interface Address {
  country: string;
  city: string;
}
interface Customer {
  id: number;
  name: string;
  address: Address;
  spend: number;
}

const ctx = new Context();
const customers = ctx.parallelize<Customer>([{ id: 1, name: "Ada", address: { country: "NO", city: "Oslo" }, spend: 10 }]);

// nested fields through keyBy, mapValues and an object literal
export const perCountry = await customers
  .keyBy((c) => c.address.country)
  .mapValues((c) => ({ who: c.name, city: c.address.city, big: c.spend > 100 ? "yes" : "no" }))
  .collect();

// groupByKey: the grouped values are an aggregation; the key groups every row
export const grouped = await customers
  .map((c): [string, number] => [c.address.city, c.spend])
  .groupByKey()
  .mapValues((spends) => spends.length)
  .collect();
