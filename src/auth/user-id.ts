import { z } from 'zod';

/** The longest user id Errand keeps: a JWT's `sub` or a key's user. */
export const MAX_USER_LENGTH = 255;

/** A user inside a tenant, as a key names it (`POST /v1/keys` `user`). */
export const userId = z.string().trim().min(1).max(MAX_USER_LENGTH);
