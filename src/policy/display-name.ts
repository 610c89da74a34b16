// The attribution line a feed shows: the nickname, plus the real name when one may be shown.

/** Fills DISPLAY_NAME_FORMAT ("{nickname} ({realName})"); without a revealed real name, just the nickname. */
export function displayName(format: string, nickname: string, revealedRealName: string | null): string {
  if (revealedRealName === null) return nickname;
  // A replacer function, so that "$&" and friends inside a nickname are not interpreted.
  return format.replace(/\{(nickname|realName)\}/g, (_match, name: string) =>
    name === 'nickname' ? nickname : revealedRealName,
  );
}
