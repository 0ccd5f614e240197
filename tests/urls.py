"""The project's URLs, as the URL resolver knows them, for tests that go over every page."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns() -> Iterator[tuple[str, tuple[str, ...], URLPattern]]:
    """Every named URL of the project outside the Django admin: its name, its parameters' names and its pattern."""
    return _walk(get_resolver(), namespace="", parameters=())


def _walk(
    resolver: URLResolver, *, namespace: str, parameters: tuple[str, ...]
) -> Iterator[tuple[str, tuple[str, ...], URLPattern]]:
    for entry in resolver.url_patterns:
        names = (*parameters, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from _walk(entry, namespace=inner, parameters=names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", names, entry
