"""template.yaml as data: loading, intrinsic functions, function environments, API routes, event sources.

Everything the local stack knows about the application comes from here, so the local stack and
the deployed stack cannot drift. The resolver covers the intrinsic functions the template uses
(Ref, Fn::GetAtt, Fn::Sub, and Fn::If over the template's Conditions, which may use Fn::Equals,
Fn::Not, Fn::And, Fn::Or and Condition) and no more: any other function raises `TemplateError`, so
a template change the local stack cannot follow fails at start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
TEMPLATE_PATH: Final = REPO_ROOT / "template.yaml"

Template = dict[str, Any]

SERVERLESS_FUNCTION: Final = "AWS::Serverless::Function"
PSEUDO_PARAMETERS: Final = frozenset(
    {
        "AWS::AccountId",
        "AWS::NoValue",
        "AWS::NotificationARNs",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
_SUB_VARIABLE: Final = re.compile(r"\$\{([^}]*)\}")


class TemplateError(Exception):
    """The template cannot be read or uses something this module does not support."""


class UnresolvedReferenceError(TemplateError):
    """A Ref/GetAtt names a resource or attribute that has no local value."""


class _NoValue:
    """Marker for AWS::NoValue: the enclosing key or list item disappears."""


NO_VALUE: Final = _NoValue()


# ------------------------------------------------------------------------------------------- loading


def _plain(value: Any) -> Any:
    """cfn-lint's node classes (dict/str subclasses carrying marks) as plain Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def load_template(path: Path | str = TEMPLATE_PATH) -> Template:
    """Read a CloudFormation/SAM template; YAML short forms (!Ref, !GetAtt, !Sub …) become long forms."""
    from cfnlint.decode import decode

    template, problems = decode(str(path))
    if problems or not isinstance(template, dict):
        details = "; ".join(str(p) for p in problems) or "empty template"
        raise TemplateError(f"cannot read {path}: {details}")
    plain: Template = _plain(template)
    return plain


def resources(template: Template, *types: str) -> dict[str, dict[str, Any]]:
    """Logical id -> resource definition, optionally only of the given types, in template order."""
    found: dict[str, dict[str, Any]] = template.get("Resources", {})
    return {lid: res for lid, res in found.items() if not types or res.get("Type") in types}


def parameter_values(template: Template, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every template parameter's value: its Default unless overridden. Unknown or missing ones raise."""
    declared: dict[str, dict[str, Any]] = template.get("Parameters", {})
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(declared)
    if unknown:
        raise TemplateError(f"unknown parameters: {sorted(unknown)}")
    values: dict[str, str] = {}
    for name, spec in declared.items():
        if name in overrides:
            values[name] = overrides[name]
        elif "Default" in spec:
            values[name] = str(spec["Default"])
        else:
            raise TemplateError(f"parameter {name} has no Default and no value was given")
    return values


# ------------------------------------------------------------------------------------------- intrinsics


def _get_att_target(argument: Any) -> tuple[str, str]:
    if isinstance(argument, str):
        logical_id, _, attribute = argument.partition(".")
    elif isinstance(argument, list) and len(argument) == 2:
        logical_id, attribute = str(argument[0]), str(argument[1])
    else:
        raise TemplateError(f"malformed Fn::GetAtt: {argument!r}")
    return logical_id, attribute


def _intrinsic(value: Any) -> tuple[str, Any] | None:
    if isinstance(value, dict) and len(value) == 1:
        ((key, argument),) = value.items()
        if key == "Ref" or key.startswith("Fn::"):
            return key, argument
    return None


def references(value: Any) -> set[str]:
    """Logical ids of resources (not parameters) a value refers to through Ref, GetAtt or Sub."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        intrinsic = _intrinsic(node)
        if intrinsic is not None:
            key, argument = intrinsic
            if key == "Ref" and isinstance(argument, str):
                found.add(argument)
                return
            if key == "Fn::GetAtt":
                found.add(_get_att_target(argument)[0])
                return
            if key == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
                visit(variables)
                for match in _SUB_VARIABLE.finditer(text):
                    name = match.group(1)
                    if not name.startswith("!") and name not in variables:
                        found.add(name.split(".", 1)[0])
                return
        if isinstance(node, dict):
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(value)
    return {name for name in found if name not in PSEUDO_PARAMETERS}


@dataclass
class Resolver:
    """Resolves intrinsic functions against local values.

    `physical` maps a logical id to its attributes: the key "Ref" holds what `!Ref` returns,
    the other keys are `!GetAtt` attribute names (e.g. "Arn", "StreamArn").
    """

    parameters: Mapping[str, str]
    physical: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)  # the template's Conditions section
    region: str = "us-east-1"
    account_id: str = "123456789012"
    stack_name: str = "frontdesk"
    partition: str = "aws"

    def pseudo(self, name: str) -> str:
        values = {
            "AWS::AccountId": self.account_id,
            "AWS::Partition": self.partition,
            "AWS::Region": self.region,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local"
            ),
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name not in values:
            raise TemplateError(f"pseudo parameter {name} is not supported here")
        return values[name]

    def ref(self, name: str) -> str | _NoValue:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO_PARAMETERS:
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        return self.get_att(name, "Ref")

    def get_att(self, logical_id: str, attribute: str) -> str:
        attributes = self.physical.get(logical_id)
        if attributes is None:
            raise UnresolvedReferenceError(f"{logical_id} has no local value (not provisioned)")
        if attribute not in attributes:
            what = "Ref" if attribute == "Ref" else f"attribute {attribute}"
            raise UnresolvedReferenceError(f"{logical_id} has no local {what}")
        return attributes[attribute]

    def sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return self._string(self.resolve(variables[name]), f"Fn::Sub variable {name}")
            if "." in name:
                return self.get_att(*name.split(".", 1))
            return self._string(self.ref(name), f"${{{name}}}")

        return _SUB_VARIABLE.sub(replace, text)

    @staticmethod
    def _string(value: Any, what: str) -> str:
        if not isinstance(value, str):
            raise TemplateError(f"{what} must resolve to a string, got {value!r}")
        return value

    def resolve(self, value: Any) -> Any:
        """The value with every supported intrinsic function replaced by its local result."""
        intrinsic = _intrinsic(value)
        if intrinsic is not None:
            return self._call(*intrinsic)
        if isinstance(value, dict):
            resolved = {key: self.resolve(child) for key, child in value.items()}
            return {key: child for key, child in resolved.items() if child is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(child) for child in value) if item is not NO_VALUE]
        return value

    def condition(self, name: str) -> bool:
        """A named condition of the template, evaluated against the parameters."""
        if name not in self.conditions:
            raise TemplateError(f"condition {name} is not defined in Conditions")
        return self._truth(self.conditions[name])

    def _truth(self, node: Any) -> bool:
        intrinsic = _intrinsic(node) if isinstance(node, dict) else None
        if intrinsic is None and isinstance(node, dict) and set(node) == {"Condition"}:
            intrinsic = ("Condition", node["Condition"])
        if intrinsic is None:
            raise TemplateError(f"not a condition: {node!r}")
        function, argument = intrinsic
        if function == "Condition":
            return self.condition(str(argument))
        if function == "Fn::Equals":
            left, right = (self.resolve(side) for side in argument)
            return str(left) == str(right)  # CloudFormation compares the values as strings
        if function == "Fn::Not":
            return not self._truth(argument[0])
        if function == "Fn::And":
            return all(self._truth(child) for child in argument)
        if function == "Fn::Or":
            return any(self._truth(child) for child in argument)
        raise TemplateError(f"{function} is not supported in a condition by the local resolver")

    def _call(self, function: str, argument: Any) -> Any:
        if function == "Ref":
            return self.ref(str(argument))
        if function == "Fn::If":
            name, if_true, if_false = argument
            return self.resolve(if_true if self.condition(str(name)) else if_false)
        if function == "Fn::GetAtt":
            return self.get_att(*_get_att_target(argument))
        if function == "Fn::Sub":
            if isinstance(argument, str):
                return self.sub(argument, {})
            text, variables = argument
            return self.sub(text, variables)
        raise TemplateError(f"{function} is not supported by the local resolver")


# ------------------------------------------------------------------------------------------- functions


def _merge_globals(global_value: Any, local_value: Any) -> Any:
    """SAM Globals semantics: maps merge, lists are appended to the global list, scalars override."""
    if isinstance(global_value, dict) and isinstance(local_value, dict):
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = _merge_globals(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return global_value + local_value
    return local_value


def function_properties(template: Template, logical_id: str) -> dict[str, Any]:
    """A serverless function's properties with the template's Globals.Function applied."""
    resource = resources(template).get(logical_id)
    if resource is None or resource.get("Type") != SERVERLESS_FUNCTION:
        raise TemplateError(f"{logical_id} is not an {SERVERLESS_FUNCTION}")
    merged: dict[str, Any] = _merge_globals(
        template.get("Globals", {}).get("Function", {}), resource.get("Properties", {})
    )
    return merged


def function_environment(template: Template, logical_id: str, resolver: Resolver) -> dict[str, str]:
    """The environment variables the function gets on AWS (Globals + its own), resolved locally."""
    variables = function_properties(template, logical_id).get("Environment", {}).get("Variables", {})
    resolved = resolver.resolve(variables)
    return {name: _env_string(value) for name, value in resolved.items()}


def _env_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Handler:
    """Where a function's code is: `path` relative to the template's folder, `name` inside it."""

    function: str
    code_uri: str
    path: str
    name: str

    def file(self, root: Path = REPO_ROOT) -> Path:
        return root / self.path


def function_handler(template: Template, logical_id: str) -> Handler:
    props = function_properties(template, logical_id)
    code_uri, handler = props.get("CodeUri"), props.get("Handler")
    if not isinstance(code_uri, str) or not isinstance(handler, str) or "." not in handler:
        raise TemplateError(f"{logical_id}: needs a local CodeUri and a module.function Handler")
    module, _, name = handler.rpartition(".")
    code_dir = PurePosixPath(code_uri.rstrip("/") or ".")
    return Handler(
        function=logical_id,
        code_uri=str(code_dir),
        path=str(code_dir / (module.replace(".", "/") + ".py")),
        name=name,
    )


def functions(template: Template) -> dict[str, Handler]:
    """Every serverless function of the template with its handler."""
    return {lid: function_handler(template, lid) for lid in resources(template, SERVERLESS_FUNCTION)}


# ------------------------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventSource:
    """One entry of a function's Events (unresolved properties)."""

    function: str
    event: str
    type: str
    properties: dict[str, Any]
    handler: Handler


def event_sources(template: Template, *types: str) -> list[EventSource]:
    """Every function event, optionally only of the given types (e.g. "DynamoDB", "S3", "Schedule")."""
    found: list[EventSource] = []
    for logical_id, handler in functions(template).items():
        events: dict[str, Any] = function_properties(template, logical_id).get("Events", {})
        for name, event in events.items():
            if not types or event.get("Type") in types:
                found.append(EventSource(logical_id, name, event["Type"], dict(event.get("Properties", {})), handler))
    return found


_PATH_PARAMETER: Final = re.compile(r"\{([^}/]+?)(\+?)\}")


@dataclass(frozen=True)
class Route:
    """One API Gateway method routed to a function, as declared by an `Api` event.

    `authorizer` is the authorizer's name (None for open routes); `requires_cognito_auth` says
    it is a Cognito user-pool authorizer, whose pool is `user_pool` (a logical id) when the
    template names one with `!GetAtt <Pool>.Arn`.
    """

    method: str
    path: str
    function: str
    event: str
    handler_path: str
    handler_name: str
    requires_cognito_auth: bool
    authorizer: str | None = None
    user_pool: str | None = None
    api: str | None = None

    @property
    def literal_segments(self) -> int:
        """How many path segments are literal: API Gateway prefers the most literal match."""
        return sum(1 for part in self.path.split("/") if part and not part.startswith("{"))

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """Path parameters if this route serves `method path`, else None."""
        if self.method not in ("ANY", method.upper()):
            return None
        pattern = ""
        for piece, match in _split_path_template(self.path):
            pattern += re.escape(piece)
            if match is not None:
                name, greedy = match
                pattern += f"(?P<{_group(name)}>{'.+' if greedy else '[^/]+'})"
        found = re.fullmatch(pattern, path.rstrip("/") or "/")
        if found is None:
            return None
        names = [m.group(1) for m in _PATH_PARAMETER.finditer(self.path)]
        return {name: found.group(_group(name)) for name in names}


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


def _split_path_template(path: str) -> Iterable[tuple[str, tuple[str, bool] | None]]:
    position = 0
    for match in _PATH_PARAMETER.finditer(path):
        yield path[position : match.start()], (match.group(1), bool(match.group(2)))
        position = match.end()
    yield path[position:], None


def _api_auth(template: Template, rest_api: Any) -> dict[str, Any]:
    global_auth: dict[str, Any] = template.get("Globals", {}).get("Api", {}).get("Auth", {})
    if rest_api is None:
        return global_auth
    target = _intrinsic(rest_api)
    if target is None or target[0] != "Ref":
        raise TemplateError(f"RestApiId must be a Ref to an AWS::Serverless::Api, got {rest_api!r}")
    api = resources(template).get(str(target[1]))
    if api is None or api.get("Type") != "AWS::Serverless::Api":
        raise TemplateError(f"RestApiId {target[1]} is not an AWS::Serverless::Api of this template")
    merged: dict[str, Any] = _merge_globals(global_auth, api.get("Properties", {}).get("Auth", {}))
    return merged


def api_routes(template: Template) -> list[Route]:
    """Every REST API route of the template, sorted by path then method."""
    routes: list[Route] = []
    for source in event_sources(template, "Api"):
        props = source.properties
        rest_api = props.get("RestApiId")
        auth = _api_auth(template, rest_api)
        authorizer = props.get("Auth", {}).get("Authorizer", auth.get("DefaultAuthorizer"))
        if authorizer == "NONE":
            authorizer = None
        definition: dict[str, Any] = {}
        if authorizer not in (None, "AWS_IAM"):
            definition = auth.get("Authorizers", {}).get(authorizer, {})
            if not definition:
                raise TemplateError(f"{source.function}.{source.event}: unknown authorizer {authorizer}")
        pool_arn = definition.get("UserPoolArn")
        pool_ref = _intrinsic(pool_arn)
        user_pool = _get_att_target(pool_ref[1])[0] if pool_ref and pool_ref[0] == "Fn::GetAtt" else None
        api_ref = _intrinsic(rest_api)
        routes.append(
            Route(
                method=str(props["Method"]).upper(),
                path=str(props["Path"]),
                function=source.function,
                event=source.event,
                handler_path=source.handler.path,
                handler_name=source.handler.name,
                requires_cognito_auth=pool_arn is not None,
                authorizer=authorizer,
                user_pool=user_pool,
                api=str(api_ref[1]) if api_ref else None,
            )
        )
    return sorted(routes, key=lambda r: (r.path, r.method))


def match_route(routes: Iterable[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route API Gateway would pick for `method path` (most literal segments first), with its
    path parameters; None when nothing matches."""
    candidates = [(route, params) for route in routes if (params := route.match(method, path)) is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[0].literal_segments, c[0].method != "ANY"))
