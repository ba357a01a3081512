// Every error the /v1/me domain raises, with its stable code.
import { notFound, type ApiError } from '../http/errors';

export const meErrors = {
  /** The signed-in user's row is gone (removed while their request ran). */
  userNotFound: (userId: number): ApiError => notFound('user', userId),
};
