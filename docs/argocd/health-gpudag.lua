-- Argo CD health check of gpucompute.io GpuDag (docs/argocd.md). Reads the conditions (docs/conditions.md):
-- Complete=True (every task succeeded) is Healthy; Failed=True or Stalled=True (an invalid graph, a name
-- conflict) is Degraded; phase Suspended is Suspended; anything else is Progressing.
local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the operator"
if obj.status == nil then
  return hs
end
if obj.status.message ~= nil then
  hs.message = obj.status.message
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.message = "waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end
local conditions = {}
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    conditions[condition.type] = condition.status
  end
end
if conditions["Complete"] == "True" then
  hs.status = "Healthy"
elseif conditions["Failed"] == "True" then
  hs.status = "Degraded"
elseif conditions["Stalled"] == "True" then
  hs.status = "Degraded"
elseif obj.status.phase == "Suspended" then
  hs.status = "Suspended"
else
  hs.status = "Progressing"
end
return hs
