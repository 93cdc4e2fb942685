"""Reference data: the controlled vocabularies, the fixed code lists and the data dictionary."""

from django.urls import path

from registry.api.reference.choices import ChoiceListApi
from registry.api.reference.dictionary import DictionaryApi
from registry.api.reference.vocabularies import VocabularyEntriesApi, VocabularyListApi

urlpatterns = [
    path("vocabularies/", VocabularyListApi.as_view(), name="vocabulary_list"),
    path("vocabularies/<str:vocabulary>/", VocabularyEntriesApi.as_view(), name="vocabulary_entries"),
    path("choices/", ChoiceListApi.as_view(), name="choice_list"),
    path("dictionary/", DictionaryApi.as_view(), name="dictionary"),
]
