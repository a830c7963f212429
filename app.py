"""Streamlit entry point: the router. It owns the page list and the sidebar shared by every page.

Run with `streamlit run app.py`. State lives in the URL (ui/state.py); the model is loaded once per process and
shared read-only (ui/cache.py); each page only reads widgets, asks for the cached trace and draws figures.
"""

import streamlit as st

st.set_page_config(page_title="Transformer, stage by stage", page_icon="🔍", layout="wide")

from ui import cache, models, sidebar, state  # noqa: E402  (set_page_config must come first)
from ui.text import PAGE_ORDER, PAGES, page_title, t  # noqa: E402

try:
    engine = cache.get_engine("default")
except Exception:  # a missing or broken checkpoint: say so plainly, details go to the server log
    st.error(t("err_model"))
    raise
engine, chosen = models.engine_for_session(engine)  # the model in the view or link; the shipped one if it fails
limits = state.Limits.of(engine, tuple(models.allowlist()), models.allow_any())
state.init(limits)
models.settle(chosen)
state.relimit(limits)
ui = state.ui()

pages = {
    name: st.Page(f"pages/{name}.py", title=page_title(name, ui), icon=PAGES[name]["icon"],
                  default=name == "overview")  # url_path = file name
    for name in PAGE_ORDER
}
current = st.navigation(list(pages.values()))
first_page = st.session_state.pop("first_page", None)
current_name = current.url_path if current.url_path in pages else "overview"  # the default page's path is ""
if first_page in pages and first_page != current_name and first_page != "overview":
    st.switch_page(pages[first_page])  # a shared link names its page in ?page=
state.view()["page"] = current_name

models.picker(ui)
sidebar.render(engine)
models.show_failure()
state.show_warnings()
state.sync_url()
current.run()
sidebar.finish()  # share link, downloads, URL; also called by a page that stops on bad input
