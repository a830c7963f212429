"""Streamlit-aware helpers shared by the app's pages: URL state, caches, texts, page scaffolding."""
