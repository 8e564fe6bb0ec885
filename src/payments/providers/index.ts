// The adapters by provider name.
import type { PaymentProvider } from "../payment";
import type { ProviderAdapter } from "./adapter";
import { gumroad } from "./gumroad";
import { lemonsqueezy } from "./lemonsqueezy";
import { paddle } from "./paddle";
import { stripe } from "./stripe";
import { whop } from "./whop";

export const ADAPTERS: Record<PaymentProvider, ProviderAdapter> = { stripe, paddle, lemonsqueezy, whop, gumroad };
