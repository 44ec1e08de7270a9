import { useApp } from '../state/store';
import { useVindex, isLocalSrc } from '../queries/vindex';
import { usePermalink } from './usePermalink';
import { useFolderDrop } from './useFolderDrop';
import { OpenBar } from '../views/open/OpenBar';
import { Welcome } from '../views/open/Welcome';
import { ActivityBar } from '../views/common/ActivityBar';
import { Alerts } from '../views/common/Alerts';
import { Overview } from '../views/overview/Overview';
import { TokenView } from '../views/token/TokenView';
import { FeatureView } from '../views/feature/FeatureView';
import { Settings } from '../views/open/Settings';
import { CompareBar } from '../views/compare/CompareBar';
import { CompareView } from '../views/compare/CompareView';
import { useVindexB } from '../queries/compare';
import { ViewRefusal } from '../views/overview/ViewRefusal';
import { viewUnavailable } from '../views/overview/semantics';
import { ViewTabs, panelId } from './ViewTabs';
import { useKeepOpenVindex } from './useKeepOpenVindex';
import { LinkLength } from '../views/common/LinkLength';

/** The whole app: source bar, alerts, progress, and the selected view of the opened vindex. */
export function App() {
  const vindex = useVindex();
  const view = useApp((s) => s.view);
  const src = useApp((s) => s.src);
  const location = useApp((s) => s.location);
  const dragging = useFolderDrop();
  const vindexB = useVindexB();
  usePermalink(vindex.data?.location.src ?? null, vindexB.data?.location.src ?? null);
  useKeepOpenVindex(vindex.data ?? null, vindex.error);

  const needsDrop = isLocalSrc(src) && !location;
  const opened = vindex.data?.location.src ?? null;
  const otherFolder = isLocalSrc(src) && location && opened && opened !== src;

  return (
    <div className={dragging ? 'app dragging' : 'app'}>
      <header className="topbar">
        <h1>Vindex Explorer</h1>
        <OpenBar />
        <Settings />
      </header>
      <Alerts />
      <ActivityBar />
      {needsDrop && (
        <p className="notice" role="status">
          This link points to a local folder ({src?.slice('local:'.length)}). Drop that folder on the page, or pick it,
          to reopen the view.
        </p>
      )}
      {otherFolder && (
        <p className="notice" role="status">
          This folder is {opened?.slice('local:'.length)}; the link was made for {src?.slice('local:'.length)}. The view may
          not match.
        </p>
      )}
      {vindex.data ? (
        <>
          <CompareBar />
          <ViewTabs />
          {/* why aria-label, not aria-labelledby the tab: a panel named "Feature" would collide with the Feature input's label */}
          <main className="view" role="tabpanel" id={panelId(view)} aria-label={`${view[0].toUpperCase()}${view.slice(1)} view`}>
            {view === 'overview' && <Overview vindex={vindex.data} />}
            {view !== 'overview' && viewUnavailable(vindex.data.description, view) !== null ? (
              <ViewRefusal vindex={vindex.data} view={view} />
            ) : (
              <>
                {view === 'token' && <TokenView vindex={vindex.data} />}
                {view === 'feature' && <FeatureView vindex={vindex.data} />}
                {view === 'compare' && <CompareView vindex={vindex.data} />}
              </>
            )}
          </main>
          <LinkLength />
        </>
      ) : (
        !vindex.isFetching && !needsDrop && <Welcome />
      )}
      {dragging && <div className="dropzone">Drop a vindex folder to open it</div>}
    </div>
  );
}
