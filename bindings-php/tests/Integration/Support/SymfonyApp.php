<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration\Support;

use Siteverify\Client;
use Siteverify\Integration\Symfony\SiteverifyValidator;
use Symfony\Component\EventDispatcher\EventDispatcher;
use Symfony\Component\ErrorHandler\Exception\FlattenException;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\RequestStack;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\HttpKernel\Controller\ArgumentResolver;
use Symfony\Component\HttpKernel\Controller\ControllerResolverInterface;
use Symfony\Component\HttpKernel\EventListener\ErrorListener;
use Symfony\Component\HttpKernel\HttpKernel;
use Symfony\Component\Validator\Constraint;
use Symfony\Component\Validator\ConstraintValidatorFactory;
use Symfony\Component\Validator\ConstraintValidatorFactoryInterface;
use Symfony\Component\Validator\ConstraintValidatorInterface;
use Symfony\Component\Validator\Validation;
use Symfony\Component\Validator\Validator\ValidatorInterface;

/**
 * A small Symfony application: HttpKernel with the RequestStack, the real ErrorListener
 * (HttpExceptions rendered with their status), the Validator with attribute mapping and
 * SiteverifyValidator as the service the constraint names, one contact-form controller.
 */
final class SymfonyApp
{
    public readonly RequestStack $requestStack;
    public readonly SiteverifyValidator $siteverify;
    public readonly ValidatorInterface $validator;
    private readonly HttpKernel $kernel;

    public function __construct(Client $client)
    {
        $this->requestStack = new RequestStack();
        $this->siteverify = new SiteverifyValidator($client, $this->requestStack);
        $services = [SiteverifyValidator::class => $this->siteverify];
        $this->validator = Validation::createValidatorBuilder()
            ->enableAnnotationMapping(true)
            ->setConstraintValidatorFactory(new class ($services) implements ConstraintValidatorFactoryInterface {
                private readonly ConstraintValidatorFactory $fallback;

                /** @param array<string, ConstraintValidatorInterface> $services */
                public function __construct(private readonly array $services)
                {
                    $this->fallback = new ConstraintValidatorFactory();
                }

                public function getInstance(Constraint $constraint): ConstraintValidatorInterface
                {
                    return $this->services[$constraint->validatedBy()] ?? $this->fallback->getInstance($constraint);
                }
            })
            ->getValidator();

        $validator = $this->validator;
        $contact = static function (Request $request) use ($validator): Response {
            $input = $request->getContentType() === 'json' ? $request->toArray() : $request->request->all();
            $form = new ContactForm();
            $form->captchaToken = $input['captchaToken'] ?? null;
            $form->message = $input['message'] ?? null;
            $violations = $validator->validate($form);
            if (count($violations) > 0) {
                $errors = [];
                foreach ($violations as $violation) {
                    $errors[$violation->getPropertyPath()] = [$violation->getMessage(), $violation->getCode()];
                }
                return new JsonResponse(['errors' => $errors], 422);
            }
            $outcome = $request->attributes->get(SiteverifyValidator::ATTRIBUTE);
            return new JsonResponse(['reason' => $outcome->reason, 'action' => $outcome->action, 'message' => $form->message]);
        };
        $error = static fn (FlattenException $exception): Response
            => new JsonResponse(['error' => $exception->getMessage()], $exception->getStatusCode(), $exception->getHeaders());

        $dispatcher = new EventDispatcher();
        $dispatcher->addSubscriber(new ErrorListener($error));
        $resolver = new class ($contact) implements ControllerResolverInterface {
            public function __construct(private readonly \Closure $contact)
            {
            }

            public function getController(Request $request): callable|false
            {
                $controller = $request->attributes->get('_controller');
                return $controller instanceof \Closure ? $controller : $this->contact;
            }
        };
        $this->kernel = new HttpKernel($dispatcher, $resolver, $this->requestStack, new ArgumentResolver());
    }

    public function handle(Request $request): Response
    {
        $response = $this->kernel->handle($request);
        $this->kernel->terminate($request, $response);
        return $response;
    }
}
