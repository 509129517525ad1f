"""JupyterLab settings for `make lab`: notebooks are saved without outputs, so a "Run All" and
save never commits figures, tables or execution counts (the build makes those). The outputs
stay visible in the open notebook until it is closed."""


def strip_outputs(model, **kwargs):
    """Before a notebook is written to disk: no outputs, no execution counts (nbstripout)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    import nbformat
    from nbstripout import strip_output

    nb = nbformat.from_dict(model["content"])
    model["content"] = strip_output(nb, keep_output=False, keep_count=False, keep_id=True)


c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file
c.FileContentsManager.pre_save_hook = strip_outputs
