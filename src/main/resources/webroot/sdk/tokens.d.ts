// Generated from the JSDoc of tokens.js by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.
/**
 * The tokens of the user signed in on this device: kept in storage (so a reload and the other tabs
 * of the origin share them), refreshed ahead of expiry, one refresh at a time per origin. Knows
 * nothing of sockets or rooms: when the tokens are lost (a refresh refused, another tab signed out,
 * or signed in as someone else) it calls `onLost(reason, {keepStorage})`, and the owner signs out.
 * @internal
 */
export class Tokens {
    /**
     * @param {import('./support.js').DeviceStorage} storage
     * @param {(method: string, path: string, body: any, headers: object, token: string|null) => Promise<any>} fetchJson
     * @param {(reason: string, options: {keepStorage?: boolean}) => void} onLost
     */
    constructor(storage: import("./support.js").DeviceStorage, fetchJson: (method: string, path: string, body: any, headers: object, token: string | null) => Promise<any>, onLost: (reason: string, options: {
        keepStorage?: boolean;
    }) => void);
    /** @returns {boolean} whether tokens are held (they may still turn out to be refused) */
    get held(): boolean;
    /** @returns {string|null} the access token as held, possibly about to expire (see fresh()) */
    get accessToken(): string | null;
    /** Keeps the user's latest profile beside the tokens (so a reload shows it at once). */
    set user(user: any);
    /** @returns {any} the user the tokens are for, as of sign-in or the last GET /api/v1/me */
    get user(): any;
    /** Holds a token answer (sign-in or refresh): {accessToken, refreshToken, expiresIn}. A refresh keeps the user. */
    keep({ accessToken, refreshToken, expiresIn }: {
        accessToken: any;
        refreshToken: any;
        expiresIn: any;
    }): void;
    /** Drops the tokens; from storage too unless keepStorage (another tab's user is there now). */
    forget({ keepStorage }?: {
        keepStorage?: boolean | undefined;
    }): void;
    /**
     * An access token that is not about to expire, refreshing first if needed (or if force: the
     * server refused the one held).
     * @returns {Promise<string>}
     */
    fresh(force?: boolean): Promise<string>;
    /**
     * Single-flight refresh. A refresh token works once and presenting a spent one revokes the whole
     * family (docs/protocol.md), so two refreshes racing with the same token would sign the user
     * out. Hence: one refresh at a time per page (this._refreshing), one per origin across tabs
     * (a Web Lock), and a look at storage first in case another tab already refreshed.
     * @returns {Promise<void>}
     */
    refresh(): Promise<void>;
}
