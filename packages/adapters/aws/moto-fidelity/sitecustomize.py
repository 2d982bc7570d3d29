"""Loaded by the moto server the AWS adapter's tests start (PYTHONPATH points here).

moto's Auto Scaling converges synchronously and ignores suspended processes: it launches replacements while
`Launch` is suspended, terminates surplus while `Terminate` is suspended, and does not catch up when they are
resumed. AWS honours suspensions and catches up on resume, and the Compute contract checks exactly that. This patch
makes moto behave as AWS does in those three respects and changes nothing else.
"""


def _patch_autoscaling():
    from moto.autoscaling import models as m

    group_cls = m.FakeAutoScalingGroup
    backend_cls = m.AutoScalingBackend

    def suspended(group, process):
        return any(p["ProcessName"] == process for p in group.suspended_processes)

    original_replace = group_cls.replace_autoscaling_group_instances

    def replace_autoscaling_group_instances(self, count_needed, propagated_tags):
        if suspended(self, "Launch"):
            return
        return original_replace(self, count_needed, propagated_tags)

    original_set_desired = group_cls.set_desired_capacity

    def set_desired_capacity(self, new_capacity):
        target = self.min_size if new_capacity is None else new_capacity
        shrinking = target < len(self.active_instances())
        if shrinking and suspended(self, "Terminate"):
            self.desired_capacity = target
            return
        return original_set_desired(self, new_capacity)

    original_resume = backend_cls.resume_processes

    def resume_processes(self, group_name, scaling_processes):
        original_resume(self, group_name, scaling_processes)
        group = self.autoscaling_groups[group_name]
        group.set_desired_capacity(group.desired_capacity)

    original_delete = backend_cls.delete_auto_scaling_group

    def delete_auto_scaling_group(self, group_name):
        # a forced delete terminates every member on AWS, suspended processes or not
        group = self.autoscaling_groups.get(group_name)
        if group is not None:
            group.suspended_processes = []
        return original_delete(self, group_name)

    group_cls.replace_autoscaling_group_instances = replace_autoscaling_group_instances
    group_cls.set_desired_capacity = set_desired_capacity
    backend_cls.resume_processes = resume_processes
    backend_cls.delete_auto_scaling_group = delete_auto_scaling_group


try:
    _patch_autoscaling()
except ImportError:
    # not the moto server (another Python program with this PYTHONPATH): nothing to patch
    pass
