"""moto_server, with what billing-setup's StackSet tests need and moto 5.2.1 lacks. Test support only: the
product reaches this server as it would AWS, through AWS_ENDPOINT_URL_* variables, and never knows.

Each gap, as moto 5.2.1 has it (moto/cloudformation, moto/iam), and what this fills in:
1. AWS::IAM::Role in a template: ManagedPolicyArns are not attached, and inline Policies are kept as Python dicts
   (GetRolePolicy answers their repr). Here they are attached (and detached before the role is deleted) and kept as JSON.
2. Service-managed stack instances: moto deploys to the management account too, to an OU's accounts one level deep
   only, ignores AccountFilterType, and makes a second instance where one exists. Here: never the management
   account, every depth, INTERSECTION / DIFFERENCE / UNION filters, one instance per account and region.
3. A stack instance that fails (a role of that name already there) fails the whole request with HTTP 400 in moto.
   Here it fails as in AWS: the operation ends FAILED, that account's result and instance say why (OUTDATED).
4. ListStackInstances names no OrganizationalUnitId, DescribeStackSet neither AutoDeployment nor
   OrganizationalUnitIds, and ListStackSetOperationResults is empty for OU targets. Here they are answered.
5. DeleteStackInstances and UpdateStackInstances ignore DeploymentTargets (the only targets a service-managed
   StackSet takes); UpdateStackSet changes the template without deploying it to the instances. Here they do.
6. CloudFormation's DescribeOrganizationsAccess / ActivateOrganizationsAccess are not implemented, and a
   SERVICE_MANAGED CreateStackSet is taken without trusted access. Here trusted access is Organizations' own list
   (EnableAWSServiceAccess of member.org.stacksets.cloudformation.amazonaws.com, which ActivateOrganizationsAccess
   makes), and CreateStackSet is refused without it with AWS's ValidationError.
7. Automatic deployment: an account that joins a targeted OU later (CreateAccount into the root, MoveAccount into
   an OU) gets no stack instance in moto. Here it gets one, in the regions the StackSet deploys to, as AWS does.
Not filled: operations still end at once (SUCCEEDED or FAILED, never RUNNING), and an account that leaves a targeted
OU keeps its instance.
"""
import json
import sys

from moto import server
from moto.cloudformation import models as cfn
from moto.cloudformation import responses as cfn_responses
from moto.core.responses import ActionResult
from moto.iam import models as iam
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

# 1. The role a template makes.
create_role_from_template = iam.Role.create_from_cloudformation_json.__func__
delete_role_from_template = iam.Role.delete_from_cloudformation_json.__func__


def create_role(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    properties = cloudformation_json["Properties"]
    policies = [
        {**policy, "PolicyDocument": policy["PolicyDocument"] if isinstance(policy["PolicyDocument"], str) else json.dumps(policy["PolicyDocument"])}
        for policy in properties.get("Policies", [])
    ]
    template = {**cloudformation_json, "Properties": {**properties, "Policies": policies}}
    role = create_role_from_template(cls, resource_name, template, account_id, region_name, **kwargs)
    backend = iam.iam_backends[account_id][get_partition(region_name)]
    for arn in properties.get("ManagedPolicyArns", []):
        backend.attach_role_policy(arn, role.name)
    return role


def delete_role(cls, resource_name, cloudformation_json, account_id, region_name):
    backend = iam.iam_backends[account_id][get_partition(region_name)]
    for role in list(backend.roles.values()):
        if role.name == resource_name:
            for arn in list(role.managed_policies):
                backend.detach_role_policy(arn, role.name)
    return delete_role_from_template(cls, resource_name, cloudformation_json, account_id, region_name)


iam.Role.create_from_cloudformation_json = classmethod(create_role)
iam.Role.delete_from_cloudformation_json = classmethod(delete_role)


# 2–5. Service-managed StackSets.
def accounts_under(organization, unit_id):
    found = [account.id for account in organization.accounts if account.parent_id == unit_id]
    for unit in organization.ou:
        if unit.parent_id == unit_id:
            found += accounts_under(organization, unit.id)
    return found


def reached(stack_set, targets):
    """(account, unit) for each account the targets name, as AWS resolves them."""
    organization = stack_set.instances.org_backend
    management = organization.org.master_account_id if organization.org else None
    filter_type = targets.get("AccountFilterType", "NONE")
    listed = targets.get("Accounts", [])
    found = []
    for unit in targets.get("OrganizationalUnitIds", []):
        for account in accounts_under(organization, unit):
            if account == management or any(account == known for known, _ in found):
                continue
            if (filter_type == "INTERSECTION" and account not in listed) or (filter_type == "DIFFERENCE" and account in listed):
                continue
            found.append((account, unit))
    if filter_type == "UNION":
        found += [(account, None) for account in listed if account != management and all(account != known for known, _ in found)]
    return found


class FailedInstance:
    """A stack instance whose stack did not create: nothing of it exists in the account."""

    def __init__(self, account_id, region_name, unit, reason):
        self.account_id = account_id
        self.region_name = region_name
        self.organizational_unit_id = unit
        self.reason = reason

    def delete(self):
        pass

    def to_dict(self):
        return {
            "StackSetId": "",
            "Region": self.region_name,
            "Account": self.account_id,
            "Status": "OUTDATED",
            "StatusReason": self.reason,
            "OrganizationalUnitId": self.organizational_unit_id,
            "StackInstanceStatus": {"DetailedStatus": "FAILED"},
        }


def deploy(stack_set, account, region, unit):
    """A new instance, or a failed one with CloudFormation's kind of reason; and that account's operation result."""
    try:
        instance = cfn.StackInstance(
            account_id=account,
            region_name=region,
            stackset_id=stack_set.id,
            stack_name=stack_set.instances.stack_name,
            name=stack_set.name,
            template=stack_set.template,
            parameters=stack_set.parameters,
            permission_model=stack_set.permission_model,
        )
        instance.organizational_unit_id = unit
        return instance, {"Account": account, "Region": region, "Status": "SUCCEEDED", "OrganizationalUnitId": unit}
    except Exception as error:  # noqa: BLE001 - any failure of the stack is the instance's
        message = getattr(error, "message", None) or str(error)
        reason = f"ResourceLogicalId:BillingRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:{message}"
        return FailedInstance(account, region, unit, reason), {"Account": account, "Region": region, "Status": "FAILED", "StatusReason": reason, "OrganizationalUnitId": unit}


def redeploy(stack_set, instance):
    stack_set.instances.stack_instances.remove(instance)
    instance.delete()
    fresh, result = deploy(stack_set, instance.account_id, instance.region_name, instance.organizational_unit_id)
    stack_set.instances.stack_instances.append(fresh)
    return result


def operation(stack_set, action, results):
    operation = stack_set._create_operation(
        operation_id=str(mock_random.uuid4()),
        action=action,
        status="FAILED" if any(result["Status"] == "FAILED" for result in results) else "SUCCEEDED",
    )
    operation["Results"] = results
    return operation["OperationId"]


def create_stack_instances(self, accounts, regions, deployment_targets, parameters):
    if self.permission_model != "SERVICE_MANAGED":
        return original_create_stack_instances(self, accounts, regions, deployment_targets, parameters)
    deployment_targets = deployment_targets or {}
    results = []
    for account, unit in reached(self, deployment_targets):
        for region in regions:
            if self.instances.get_instance(account, region):
                continue
            instance, result = deploy(self, account, region, unit)
            self.instances.stack_instances.append(instance)
            results.append(result)
    self.organizational_unit_ids = list(dict.fromkeys(self.organizational_unit_ids + deployment_targets.get("OrganizationalUnitIds", [])))
    return operation(self, "CREATE", results)


def targeted_instances(stack_set, targets, regions):
    listed = targets.get("Accounts", [])
    filter_type = targets.get("AccountFilterType", "NONE")
    return [
        instance
        for instance in list(stack_set.instances.stack_instances)
        if instance.region_name in regions
        and instance.organizational_unit_id in targets.get("OrganizationalUnitIds", [])
        and not (filter_type == "INTERSECTION" and instance.account_id not in listed)
        and not (filter_type == "DIFFERENCE" and instance.account_id in listed)
    ]


def update(self, template, description, parameters, tags, admin_role, execution_role, accounts, regions, operation_id):
    changed = bool(template) and template != self.template
    answer = original_update(self, template, description, parameters, tags, admin_role, execution_role, accounts, regions, operation_id)
    if self.permission_model == "SERVICE_MANAGED":
        instances = list(self.instances.stack_instances)
        results = [redeploy(self, instance) if changed or isinstance(instance, FailedInstance) else {"Account": instance.account_id, "Region": instance.region_name, "Status": "SUCCEEDED"} for instance in instances]
        answer["Results"] = results
        answer["Status"] = "FAILED" if any(result["Status"] == "FAILED" for result in results) else "SUCCEEDED"
    return answer


original_create_stack_instances = cfn.StackSet.create_stack_instances
original_update = cfn.StackSet.update
cfn.StackSet.create_stack_instances = create_stack_instances
cfn.StackSet.update = update
cfn.StackSet.organizational_unit_ids = []
cfn.StackSet.auto_deployment = None

original_to_dict = cfn.StackInstance.to_dict
cfn.StackInstance.to_dict = lambda self: {**original_to_dict(self), "OrganizationalUnitId": getattr(self, "organizational_unit_id", None)}

Response = cfn_responses.CloudFormationResponse
original_create_stack_set = Response.create_stack_set
original_update_stack_set = Response.update_stack_set
original_delete_stack_instances = Response.delete_stack_instances
original_update_stack_instances = Response.update_stack_instances
original_operation_results = Response.list_stack_set_operation_results


def keep_auto_deployment(original):
    def handler(self):
        answer = original(self)
        auto_deployment = self._get_param("AutoDeployment")
        if auto_deployment:
            self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName")).auto_deployment = auto_deployment
        return answer

    return handler


def delete_stack_instances(self):
    targets = self._get_params().get("DeploymentTargets")
    if not targets:
        return original_delete_stack_instances(self)
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    regions = self._get_param("Regions", [])
    gone = targeted_instances(stack_set, targets, regions)
    for instance in gone:
        stack_set.instances.stack_instances.remove(instance)
        instance.delete()
    results = [{"Account": instance.account_id, "Region": instance.region_name, "Status": "SUCCEEDED"} for instance in gone]
    return ActionResult({"OperationId": operation(stack_set, "DELETE", results)})


def update_stack_instances(self):
    targets = self._get_params().get("DeploymentTargets")
    if not targets:
        return original_update_stack_instances(self)
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    results = [redeploy(stack_set, instance) for instance in targeted_instances(stack_set, targets, self._get_param("Regions", []))]
    return ActionResult({"OperationId": operation(stack_set, "UPDATE", results)})


def list_stack_set_operation_results(self):
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    found = stack_set.get_operation(self._get_param("OperationId"))
    if "Results" not in found:
        return original_operation_results(self)
    return ActionResult({"Summaries": found["Results"]})


Response.create_stack_set = keep_auto_deployment(original_create_stack_set)
Response.update_stack_set = keep_auto_deployment(original_update_stack_set)
Response.delete_stack_instances = delete_stack_instances
Response.update_stack_instances = update_stack_instances
Response.list_stack_set_operation_results = list_stack_set_operation_results

# 6. Trusted access with Organizations.
from moto.cloudformation.exceptions import ValidationError  # noqa: E402
from moto.organizations.models import organizations_backends  # noqa: E402

stacksets_principal = "member.org.stacksets.cloudformation.amazonaws.com"


def organization_of(response):
    return organizations_backends[response.current_account][get_partition(response.region)]


def trusted(response):
    organization = organization_of(response)
    return organization.org is not None and any(service["ServicePrincipal"] == stacksets_principal for service in organization.services)


def describe_organizations_access(self):
    return ActionResult({"Status": "ENABLED" if trusted(self) else "DISABLED"})


def activate_organizations_access(self):
    organization_of(self).enable_aws_service_access(ServicePrincipal=stacksets_principal)
    return ActionResult({})


def refuse_untrusted(original):
    def handler(self):
        if self._get_param("PermissionModel") == "SERVICE_MANAGED" and not trusted(self):
            raise ValidationError(message="You must enable organizations access to operate a service managed stack set")
        return original(self)

    return handler


Response.describe_organizations_access = describe_organizations_access
Response.activate_organizations_access = activate_organizations_access
Response.create_stack_set = refuse_untrusted(Response.create_stack_set)

# 7. Automatic deployment to an account that joins a targeted OU.
from moto.organizations.models import OrganizationsBackend  # noqa: E402


def ancestors(organization, account_id):
    account = next(account for account in organization.accounts if account.id == account_id)
    found, parent = [], account.parent_id
    while parent:
        found.append(parent)
        parent = next((unit.parent_id for unit in organization.ou if unit.id == parent), None)
    return found


def deploy_automatically(organization, account_id):
    if organization.org is None or account_id == organization.org.master_account_id:
        return
    reaching = ancestors(organization, account_id)
    for backend in cfn.cloudformation_backends[organization.account_id].values():
        for stack_set in backend.stacksets.values():
            auto = stack_set.auto_deployment or {}
            if stack_set.permission_model != "SERVICE_MANAGED" or str(auto.get("Enabled")).lower() != "true" or stack_set.status == "DELETED":
                continue
            unit = next((unit for unit in stack_set.organizational_unit_ids if unit in reaching), None)
            if unit is None:
                continue
            for region in dict.fromkeys(instance.region_name for instance in stack_set.instances.stack_instances):
                if not stack_set.instances.get_instance(account_id, region):
                    instance, _ = deploy(stack_set, account_id, region, unit)
                    stack_set.instances.stack_instances.append(instance)


original_create_account = OrganizationsBackend.create_account
original_move_account = OrganizationsBackend.move_account


def create_account(self, **kwargs):
    status = original_create_account(self, **kwargs)
    deploy_automatically(self, status["CreateAccountStatus"]["AccountId"] if "CreateAccountStatus" in status else status["AccountId"])
    return status


def move_account(self, **kwargs):
    original_move_account(self, **kwargs)
    deploy_automatically(self, kwargs["AccountId"])


OrganizationsBackend.create_account = create_account
OrganizationsBackend.move_account = move_account

if __name__ == "__main__":
    server.main(sys.argv[1:])
