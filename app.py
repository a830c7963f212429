"""Streamlit entry point: the router. It owns the run.

Run with `streamlit run app.py`. Each script run, in this order: load the shared model, and the model the view (or
a link) asks for, once (ui/models.py; one that cannot be used leaves a message and the shipped model); read this
session's view (from the URL on its first run; fitted to the model's limits when the model changed; widgets change it
in callbacks before the run starts, ui/session.py); decide which page shows (here only); draw the sidebar's controls;
build the one `Run` (engine, view, trace or input error); draw the page's header, then the page itself, which only
draws from `ui.session.current()` (or, for a page that needs a stack the model lacks, why it does not apply); then the
share link and downloads; and last, write the view to the URL, once. ui/legacy_pages.py explains the one workaround
the top-level `pages/` folder needs.
"""

import logging

import streamlit as st

st.set_page_config(page_title="Transformer, inside out", page_icon="🔍", layout="wide")

from ui import cache, header, models, session, sidebar, throttle  # noqa: E402
from ui.admission import Refused  # noqa: E402
from ui.markdown import md_escape  # noqa: E402
from ui.view import DEFAULT_MODEL, PAGE_ORDER  # noqa: E402
from viz_model.i18n import label  # noqa: E402  (set_page_config must come first)
from viz_model.tokenizer import MAX_SOURCE_TOKENS, InputError  # noqa: E402

try:
    engine = cache.get_engine()
except Exception as err:  # a missing or broken checkpoint: one message that says what, details in the server log
    logging.getLogger("app").error("the shipped model could not be loaded", exc_info=True)
    st.error(header.model_error(err, models.first_locale()), icon="🚫")
    st.stop()
engine, chosen = models.engine_for(models.requested(), engine)  # the view's (or link's) model, loaded once
limits = models.limits_for(engine)
view = session.load_view(limits)
if view.model != chosen:  # it could not be used: the shipped model instead (models.show_failure says why)
    session.update(model=DEFAULT_MODEL)
view = session.fit_to(limits)

# ------------------------------------------------------------------------------------------- which page shows
pages = {name: st.Page(f"pages/{name}.py", title=header.page_title(name, view.locale), icon=header.ICONS[name],
                       default=name == "overview") for name in PAGE_ORDER}  # url_path = the file's name
current = st.navigation(list(pages.values()))
page = current.url_path if current.url_path in pages else "overview"  # the default page's url_path is ""
link_page = st.session_state.pop("link_page", None)
if link_page in pages and link_page != page and page == "overview":
    st.switch_page(pages[link_page])  # a shared link to the root names its page in ?page=
if view.page != page:
    session.update(page=page)

# ------------------------------------------------------------------------------------------- the run
with throttle.run_scope():  # a trace computed in this run holds its admission until it is drawn
    sidebar.controls(engine, limits)
    view = session.view()
    previous = st.session_state.get("run")
    key = (view.sentence, view.target_language, view.decode_settings(), view.model)
    trace, error, refused = None, None, None
    if previous is not None and previous.trace is not None and previous.view is not None and \
            (previous.view.sentence, previous.view.target_language, previous.view.decode_settings(),
             previous.view.model) == key:
        trace = previous.trace  # one trace per session: the same input reuses it without another copy from the cache
    else:
        try:
            trace = cache.get_trace(*key, gate=throttle.gate())  # the gate is asked only when the trace is computed
        except InputError as err:
            error = err
        except Refused as err:  # the server is busy, or this session asked for too much: say so, keep everything typed
            refused = err
    notices: list[tuple[str, str]] = []  # (text, icon): the view fitted to this trace, and notes on the input
    if trace is not None:
        last_step = len(trace.next_tokens) - 1  # -1: an encoder-only model decodes nothing
        if 0 <= last_step < view.step:
            notices.append((label("clamped_step", view.locale, value=view.step, clamped=last_step), "ℹ️"))
            view = view.with_(step=last_step)
            session.update(step=last_step)
        if trace.meta.get("truncated_from"):
            notices.append((label("truncated", view.locale, n=trace.meta["truncated_from"],
                                  limit=trace.meta.get("token_limit", MAX_SOURCE_TOKENS)), "✂️"))
        if trace.meta.get("longer_than_training"):
            notices.append((label("longer_than_training", view.locale, n=len(trace.meta.get("source_words", [])),
                                  limit=engine.info.get("max_source_words", MAX_SOURCE_TOKENS)), "📏"))
        if not trace.meta.get("finished", True):
            notices.append((label("unfinished", view.locale, n=trace.meta["settings"]["max_new_tokens"]), "⏹️"))
    run = session.Run(engine, limits, view, trace, error)
    session.set_run(run)

    # ------------------------------------------------------------------------------------------- drawing
    session.show_warnings(view.locale)
    models.show_failure(view.locale)
    header.header(page, view.locale)
    if refused is not None:
        st.warning(throttle.message(refused, view.locale), icon="⏳")
        st.info(label("kept_text_retry", view.locale))
        st.button(label("try_again", view.locale), key="try_again")  # a click reruns with the same view
    elif error is not None:
        st.error(header.input_error(error, view.locale), icon="🚫")
        st.info(label("kept_text", view.locale))
    else:
        for text, icon in notices:
            st.info(md_escape(text), icon=icon)
        if (about := models.describe_model(trace, view.locale)) is not None:  # a model other than the shipped one
            st.info(about, icon="🤗")  # values escaped in describe_model
        if (missing := models.not_applicable(page, trace, view.locale)) is not None:
            st.info(missing, icon="🚧")  # this page needs a stack the model lacks: said instead of drawn
        else:
            current.run()
    sidebar.footer(run)
    session.write_url(limits)
