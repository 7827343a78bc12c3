import { ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

/**
 * The dependencies of `scope` that Terraform can order: those in `scope`'s own stack. A dependency
 * in another stack (the foundation, with a stack per service) is ordered by the stacks themselves:
 * cdktf applies the stack it reads from first. A dependable that is not a construct is kept.
 */
export function inOwnStack(scope: IConstruct, dependencies: ITerraformDependable[]): ITerraformDependable[] {
  const own = TerraformStack.of(scope);
  return dependencies.filter(
    (dependency) => !Construct.isConstruct(dependency) || TerraformStack.of(dependency) === own,
  );
}
