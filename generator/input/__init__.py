"""Reading what the clerk wrote: the model, the YAML loader, plan files, provinces, old encodings."""
