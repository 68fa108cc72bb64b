"""The upload form of the import page."""

from django import forms


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Catalogue file (CSV or XLSX)",
        help_text="One row per variant; the first row names the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
