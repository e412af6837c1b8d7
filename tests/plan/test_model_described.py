"""Every field of the plan model is documented (the plan is data users read and save)."""

from __future__ import annotations

import inspect

import pydantic

import odiac.plan.model as model


def _models() -> list[type[pydantic.BaseModel]]:
    return [
        obj
        for obj in vars(model).values()
        if inspect.isclass(obj)
        and issubclass(obj, pydantic.BaseModel)
        and obj.__module__ == model.__name__
    ]


def test_every_plan_model_field_has_a_description() -> None:
    missing = [
        f"{cls.__name__}.{name}"
        for cls in _models()
        for name, info in cls.model_fields.items()
        if not info.description
    ]
    assert missing == []


def test_the_models_are_found() -> None:
    names = {cls.__name__ for cls in _models()}
    assert {"Plan", "FieldChange", "CreateService", "Manual"} <= names
