import { describe, expect, it } from "vitest";
import { normalizeCompanyName } from "../../src/core/company-name.js";

describe("company names", () => {
  const same: Array<[string, string[]]> = [
    ["acme", ["ACME, Inc.", "Acme Corp", "acme", "Acme Corporation", "ACME LLC", "Acme, Ltd.", "Acme GmbH", "  acme  inc  ", "The Acme Company"]],
    ["johnsonandjohnson", ["Johnson & Johnson", "Johnson and Johnson", "JOHNSON&JOHNSON", "Johnson & Johnson Inc."]],
    ["procterandgamble", ["Procter & Gamble", "Procter and Gamble Co.", "The Procter & Gamble Company"]],
    ["atandt", ["AT&T", "AT & T", "AT and T Inc."]],
    ["jpmorganchase", ["JPMorgan Chase & Co.", "J.P. Morgan Chase", "JP Morgan Chase and Co"]],
    ["mcdonalds", ["McDonald's", "McDonalds Corp", "McDonald’s Corporation"]],
    ["nestle", ["Nestlé S.A.", "Nestle SA", "NESTLE"]],
    ["siemens", ["Siemens AG", "Siemens"]],
    ["amazon", ["Amazon.com, Inc.", "Amazon", "amazon.com"]],
    ["alphabet", ["Alphabet Inc.", "Alphabet"]],
    ["sap", ["SAP SE", "SAP"]],
    ["bosch", ["Bosch GmbH & Co. KG", "Bosch"]],
    ["tatagroup", ["Tata Group"]],
    ["ernstandyoung", ["Ernst & Young LLP", "Ernst and Young"]],
    ["spotify", ["Spotify AB", "spotify"]],
    ["deutschebank", ["Deutsche Bank AG", "DeutscheBank"]],
  ];
  for (const [key, spellings] of same) {
    it(`reads ${spellings.map((s) => `“${s}”`).join(", ")} as one company`, () => {
      for (const spelling of spellings) expect(normalizeCompanyName(spelling), spelling).toBe(key);
    });
  }

  const different: Array<[string, string]> = [
    ["Apple", "Applied Materials"],
    ["Meta", "Metabase"],
    ["Stripe", "Stripes Group"],
    ["Block", "Blackrock"],
  ];
  for (const [a, b] of different) {
    it(`keeps “${a}” and “${b}” apart`, () => {
      expect(normalizeCompanyName(a)).not.toBe(normalizeCompanyName(b));
    });
  }

  it("keeps a name that is only a legal word", () => {
    expect(normalizeCompanyName("Company")).toBe("company");
    expect(normalizeCompanyName("Inc.")).toBe("inc");
  });

  it("never returns an empty key for punctuation-only input it is given", () => {
    expect(normalizeCompanyName("&")).toBe("and");
  });
});
