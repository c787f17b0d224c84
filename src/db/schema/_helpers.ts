import { integer, timestamp } from "drizzle-orm/pg-core";

/** A timestamp column as the app writes it: with time zone, read back as a Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Creation time, written from the injected clock (not the database's now()) so jobs can be tested at any date. */
export const createdAt = () => tstz("created_at").notNull();

/** Surrogate key shared by every table. */
export const id = () => integer("id").primaryKey().generatedAlwaysAsIdentity();
