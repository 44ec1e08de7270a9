import { useApp, viewStateOf } from '../../state/store';
import { encodePermalink, LONG_PERMALINK } from '../../state/permalink';

/** Says so when the current view's permalink is longer than common hosts and chat apps accept. */
export function LinkLength() {
  const search = useApp((s) => encodePermalink(viewStateOf(s)));
  const length = window.location.origin.length + window.location.pathname.length + search.length;
  if (length <= LONG_PERMALINK) return null;
  return (
    <p className="notice" role="status">
      This view's link is {length.toLocaleString('en')} characters long, mostly the query text: some chat apps, mail clients
      and static hosts cut links beyond about {LONG_PERMALINK.toLocaleString('en')} characters. Shorten the query, or share token
      ids (#123) instead, to keep the link working everywhere.
    </p>
  );
}
