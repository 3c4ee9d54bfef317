Quiero visitar Japón.
La ventana está cerrada.
Él es muy simpático.
Nos vemos pronto.
El paquete llegó ayer.
El ascensor no funciona.
El árbol pierde sus hojas.
La cuenta, por favor.
La profesora explica la lección.
Ella aprendió a leer muy pronto.
Esta palabra es nueva para mí.
La playa está llena de gente.
La montaña es alta.
No toques eso.
Son las cinco menos cuarto.
¡Qué sorpresa!
Pon la mesa, por favor.
No puedo, tengo que trabajar.
No fumes aquí.
Que tengas un buen día.
De nada.
La leche está caducada.
No oí el despertador.
Este pastel está delicioso.
Estamos listos.
El hospital está al lado del parque.
Me encanta el chocolate.
Hay mucho tráfico.
Ya me siento mejor.
Vivimos en el tercer piso.
Quiero una bicicleta roja.
Hay muchas estrellas en el cielo.
Mi padre trabaja en un banco.
Me duele el estómago.
La comida está en la mesa.
No como carne.
Mi jardín tiene muchas flores.
Los perros ladran.
Necesito ayuda.
¿Dónde están mis gafas?
